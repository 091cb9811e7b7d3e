// One cached oneDNN plan per layer shape: primitive descriptors, primitives, reorders, their
// memory objects and scratch memory. Creating oneDNN RNN primitives takes milliseconds and creating
// memory objects allocates, while sampling calls a T = 1, N = 1 forward thousands of times, so
// everything is made once per shape and each call only swaps data pointers.
#pragma once

#include <dnnl.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "aligned_buffer.h"

/** The cells of src/engine/fused/kernels.ts, numbered as native-kernels.ts sends them. */
enum class Cell : int { RnnTanh = 0, RnnRelu = 1, Lstm = 2, Gru = 3 };

int gatesOf(Cell cell);

struct PlanKey {
  Cell cell;
  int64_t steps, batch, inputSize, units;
  bool reverse;
  /** forward_training + backward primitives, or forward_inference only. */
  bool training;

  bool operator==(const PlanKey &other) const;
};

struct PlanKeyHash {
  size_t operator()(const PlanKey &key) const;
};

/** One primitive's arguments as reusable memory objects; `set` points one at a call's data. */
class Binding {
 public:
  /** Adds `arg` unless `desc` is the zero descriptor (an argument the cell does not have). */
  void add(int arg, const dnnl::memory::desc &desc, const dnnl::engine &engine,
           void *fixed = nullptr);
  /** oneDNN never writes through input handles; its API just has no const memory. */
  void set(int arg, const void *data) { args_.at(arg).set_data_handle(const_cast<void *>(data)); }
  const std::unordered_map<int, dnnl::memory> &args() const { return args_; }

 private:
  std::unordered_map<int, dnnl::memory> args_;
};

/**
 * A weights operand whose oneDNN format may differ from the user's ldigo (= tfjs-layers
 * `[I, G·H]`), e.g. by a padded leading dimension: `reorder` runs only when they differ, between
 * `user` (pointed at the call's data) and `inner` (on `buffer`).
 */
struct WeightsPort {
  bool needed = false;
  dnnl::memory user, inner;
  dnnl::reorder reorder;
  AlignedBuffer buffer;
};

/** The buffers of one tape, kept by the plan between uses (see RnnPlan::spareTapes). */
struct TapeBuffers {
  AlignedBuffer x, h0, c0, weightsLayer, weightsIter, bias, y, hT, cT, workspace;

  size_t bytes() const;
};

struct RnnPlan {
  PlanKey key;
  /** OpenMP threads for this shape's primitives (fewer than the context's for tiny problems). */
  int threads = 1;
  dnnl::memory::desc srcLayer, state, weightsLayer, weightsIter, bias, dstLayer, workspace;

  dnnl::primitive forward;
  Binding forwardArgs;

  // Training only.
  dnnl::primitive backward;
  Binding backwardArgs;
  /** User-layout weights (from the tape) into backward's preferred format. */
  WeightsPort backwardWeightsLayer, backwardWeightsIter;
  /** Backward's diff weights out into the user layout. */
  WeightsPort diffWeightsLayer, diffWeightsIter;

  /** Shared by forward and backward (user scratchpad mode: no allocation per call). */
  AlignedBuffer scratchpad;
  /** `[N, H]` zeros: absent h0/c0 and the (always zero) gradient flowing into hT/cT. */
  AlignedBuffer zeros;
  /** `[2, N, H]` scratch for ∂/∂h0 and ∂/∂c0, which the interface does not return. */
  AlignedBuffer discard;
  /**
   * Released tapes' buffers, reused by the next forward: a W1-sized workspace is ~20 MB, and
   * fresh pages would be faulted in and zeroed by the kernel on every step.
   */
  std::vector<std::unique_ptr<TapeBuffers>> spareTapes;

  size_t stateElements() const { return static_cast<size_t>(key.batch * key.units); }
};

/** Spare tapes kept per plan: enough for a layer's tape to be recycled every step. */
constexpr size_t MAX_SPARE_TAPES = 2;

/**
 * Builds the primitives for `key` on `engine`, using at most `maxThreads` OpenMP threads;
 * throws dnnl::error when oneDNN refuses.
 */
std::shared_ptr<RnnPlan> makePlan(const dnnl::engine &engine, const PlanKey &key, int maxThreads);
