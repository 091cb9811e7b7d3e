// Running a cached RnnPlan: forward (optionally recording a tape) and backward-through-time.
#pragma once

#include <dnnl.hpp>

#include <memory>

#include "rnn_plan.h"

/** Caller-owned arrays of one forward call; see RnnForwardArgs in src/engine/fused/kernels.ts. */
struct ForwardIo {
  const float *kernel, *recurrentKernel, *bias, *x;
  /** nullptr means zeros. */
  const float *h0, *c0;
  float *y, *hT;
  /** LSTM only. */
  float *cT;
};

/**
 * What backward needs from one training forward, all owned copies: the interface lets callers
 * reuse their arrays (weights included) as soon as forward returns. Destroying a tape hands its
 * buffers back to the plan for the next forward.
 */
class Tape {
 public:
  Tape(std::shared_ptr<RnnPlan> plan, std::unique_ptr<TapeBuffers> buffers)
      : plan_(std::move(plan)), buffers_(std::move(buffers)) {}
  Tape(const Tape &) = delete;
  Tape &operator=(const Tape &) = delete;
  ~Tape();

  RnnPlan &plan() const { return *plan_; }
  TapeBuffers &buffers() const { return *buffers_; }

 private:
  std::shared_ptr<RnnPlan> plan_;
  std::unique_ptr<TapeBuffers> buffers_;
};

/** Caller-owned arrays of one backward call; see RnnBackwardArgs / RnnGradients. */
struct BackwardIo {
  const float *dy;
  float *dx, *kernel, *recurrentKernel, *bias;
};

/** Runs the forward primitive; returns the tape when the plan is a training plan, else null. */
std::unique_ptr<Tape> runForward(dnnl::stream &stream, const std::shared_ptr<RnnPlan> &plan,
                                 const ForwardIo &io);

void runBackward(dnnl::stream &stream, const Tape &tape, const BackwardIo &io);
