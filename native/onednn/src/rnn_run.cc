#include "rnn_run.h"

#include <omp.h>

#include <cstring>

Tape::~Tape() {
  if (plan_->spareTapes.size() < MAX_SPARE_TAPES) plan_->spareTapes.push_back(std::move(buffers_));
}

namespace {

void runInference(dnnl::stream &stream, RnnPlan &plan, const ForwardIo &io) {
  Binding &f = plan.forwardArgs;
  f.set(DNNL_ARG_SRC_LAYER, io.x);
  f.set(DNNL_ARG_SRC_ITER, io.h0 ? io.h0 : plan.zeros.data());
  f.set(DNNL_ARG_WEIGHTS_LAYER, io.kernel);
  f.set(DNNL_ARG_WEIGHTS_ITER, io.recurrentKernel);
  f.set(DNNL_ARG_BIAS, io.bias);
  f.set(DNNL_ARG_DST_LAYER, io.y);
  f.set(DNNL_ARG_DST_ITER, io.hT);
  if (plan.key.cell == Cell::Lstm) {
    f.set(DNNL_ARG_SRC_ITER_C, io.c0 ? io.c0 : plan.zeros.data());
    f.set(DNNL_ARG_DST_ITER_C, io.cT);
  }
  plan.forward.execute(stream, f.args());
  stream.wait();
}

/** A copy of `src`, or zeros when `src` is null, `bytes` long. */
void keep(AlignedBuffer &into, const float *src, size_t bytes) {
  if (into.bytes() != bytes) into.allocate(bytes);
  if (src) {
    std::memcpy(into.data(), src, bytes);
  } else {
    into.zero();
  }
}

void ensure(AlignedBuffer &buffer, size_t bytes) {
  if (buffer.bytes() != bytes) buffer.allocate(bytes);
}

std::unique_ptr<Tape> runTraining(dnnl::stream &stream, const std::shared_ptr<RnnPlan> &plan,
                                  const ForwardIo &io) {
  const bool lstm = plan->key.cell == Cell::Lstm;
  const size_t stateBytes = plan->state.get_size();
  std::unique_ptr<TapeBuffers> buffers;
  if (plan->spareTapes.empty()) {
    buffers = std::make_unique<TapeBuffers>();
  } else {
    buffers = std::move(plan->spareTapes.back());
    plan->spareTapes.pop_back();
  }
  TapeBuffers &t = *buffers;
  keep(t.x, io.x, plan->srcLayer.get_size());
  keep(t.h0, io.h0, stateBytes);
  keep(t.weightsLayer, io.kernel, plan->weightsLayer.get_size());
  keep(t.weightsIter, io.recurrentKernel, plan->weightsIter.get_size());
  keep(t.bias, io.bias, plan->bias.get_size());
  ensure(t.y, plan->dstLayer.get_size());
  ensure(t.hT, stateBytes);
  ensure(t.workspace, plan->workspace.get_size());

  Binding &f = plan->forwardArgs;
  f.set(DNNL_ARG_SRC_LAYER, t.x.data());
  f.set(DNNL_ARG_SRC_ITER, t.h0.data());
  f.set(DNNL_ARG_WEIGHTS_LAYER, t.weightsLayer.data());
  f.set(DNNL_ARG_WEIGHTS_ITER, t.weightsIter.data());
  f.set(DNNL_ARG_BIAS, t.bias.data());
  f.set(DNNL_ARG_DST_LAYER, t.y.data());
  f.set(DNNL_ARG_DST_ITER, t.hT.data());
  f.set(DNNL_ARG_WORKSPACE, t.workspace.data());
  if (lstm) {
    keep(t.c0, io.c0, stateBytes);
    ensure(t.cT, stateBytes);
    f.set(DNNL_ARG_SRC_ITER_C, t.c0.data());
    f.set(DNNL_ARG_DST_ITER_C, t.cT.data());
  }
  plan->forward.execute(stream, f.args());
  stream.wait();

  std::memcpy(io.y, t.y.data(), t.y.bytes());
  std::memcpy(io.hT, t.hT.data(), stateBytes);
  if (lstm) std::memcpy(io.cT, t.cT.data(), stateBytes);
  return std::make_unique<Tape>(plan, std::move(buffers));
}

/** Points backward at the tape's user-layout weights, reordered first when oneDNN wants another. */
void bindWeights(dnnl::stream &stream, Binding &b, int arg, WeightsPort &port,
                 const AlignedBuffer &kept) {
  if (!port.needed) {
    b.set(arg, kept.data());
    return;
  }
  port.user.set_data_handle(kept.data());
  port.reorder.execute(stream, port.user, port.inner);
  b.set(arg, port.buffer.data());
}

/** Points backward's weight gradient at `out` or the port's buffer, zeroed: oneDNN accumulates. */
void bindDiffWeights(Binding &b, int arg, WeightsPort &port, float *out, size_t bytes) {
  if (!port.needed) {
    std::memset(out, 0, bytes);
    b.set(arg, out);
    return;
  }
  port.buffer.zero();
  b.set(arg, port.buffer.data());
}

void finishDiffWeights(dnnl::stream &stream, WeightsPort &port, float *out) {
  if (!port.needed) return;
  port.user.set_data_handle(out);
  port.reorder.execute(stream, port.inner, port.user);
}

}  // namespace

std::unique_ptr<Tape> runForward(dnnl::stream &stream, const std::shared_ptr<RnnPlan> &plan,
                                 const ForwardIo &io) {
  omp_set_num_threads(plan->threads);
  if (plan->key.training) return runTraining(stream, plan, io);
  runInference(stream, *plan, io);
  return nullptr;
}

void runBackward(dnnl::stream &stream, const Tape &tape, const BackwardIo &io) {
  RnnPlan &plan = tape.plan();
  const TapeBuffers &t = tape.buffers();
  omp_set_num_threads(plan.threads);
  Binding &b = plan.backwardArgs;
  b.set(DNNL_ARG_SRC_LAYER, t.x.data());
  b.set(DNNL_ARG_SRC_ITER, t.h0.data());
  bindWeights(stream, b, DNNL_ARG_WEIGHTS_LAYER, plan.backwardWeightsLayer, t.weightsLayer);
  bindWeights(stream, b, DNNL_ARG_WEIGHTS_ITER, plan.backwardWeightsIter, t.weightsIter);
  b.set(DNNL_ARG_BIAS, t.bias.data());
  b.set(DNNL_ARG_DST_LAYER, t.y.data());
  b.set(DNNL_ARG_DST_ITER, t.hT.data());
  b.set(DNNL_ARG_WORKSPACE, t.workspace.data());
  b.set(DNNL_ARG_DIFF_DST_LAYER, io.dy);
  b.set(DNNL_ARG_DIFF_SRC_LAYER, io.dx);
  bindDiffWeights(b, DNNL_ARG_DIFF_WEIGHTS_LAYER, plan.diffWeightsLayer, io.kernel,
                  plan.weightsLayer.get_size());
  bindDiffWeights(b, DNNL_ARG_DIFF_WEIGHTS_ITER, plan.diffWeightsIter, io.recurrentKernel,
                  plan.weightsIter.get_size());
  std::memset(io.bias, 0, plan.bias.get_size());
  b.set(DNNL_ARG_DIFF_BIAS, io.bias);
  if (plan.key.cell == Cell::Lstm) {
    b.set(DNNL_ARG_SRC_ITER_C, t.c0.data());
    b.set(DNNL_ARG_DST_ITER_C, t.cT.data());
  }
  plan.backward.execute(stream, b.args());
  finishDiffWeights(stream, plan.diffWeightsLayer, io.kernel);
  finishDiffWeights(stream, plan.diffWeightsIter, io.recurrentKernel);
  stream.wait();
}
