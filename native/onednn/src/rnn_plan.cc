#include "rnn_plan.h"

#include <omp.h>

#include <algorithm>
#include <functional>

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using dnnl::rnn_direction;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

int gatesOf(Cell cell) {
  switch (cell) {
    case Cell::Lstm: return 4;
    case Cell::Gru: return 3;
    default: return 1;
  }
}

bool PlanKey::operator==(const PlanKey &other) const {
  return cell == other.cell && steps == other.steps && batch == other.batch &&
         inputSize == other.inputSize && units == other.units && reverse == other.reverse &&
         training == other.training;
}

size_t PlanKeyHash::operator()(const PlanKey &key) const {
  size_t hash = std::hash<int>()(static_cast<int>(key.cell));
  for (int64_t part : {key.steps, key.batch, key.inputSize, key.units,
                       static_cast<int64_t>(key.reverse), static_cast<int64_t>(key.training)}) {
    hash = hash * 1000003u ^ std::hash<int64_t>()(part);
  }
  return hash;
}

namespace {

/** The memory descriptors of one cell's primitive, in oneDNN's argument order. */
struct Descs {
  memory::desc srcLayer, srcIter, srcIterC, weightsLayer, weightsIter, bias, dstLayer, dstIter,
      dstIterC;
};

/** Every argument gets a descriptor, except that only the LSTM has the `_c` cell states. */
memory::desc cellState(const PlanKey &key, const memory::desc &state) {
  return key.cell == Cell::Lstm ? state : memory::desc();
}

dnnl::rnn_primitive_desc_base makeForward(const dnnl::engine &engine, const PlanKey &key,
                                          const Descs &d, const dnnl::primitive_attr &attr) {
  prop_kind prop = key.training ? prop_kind::forward_training : prop_kind::forward_inference;
  rnn_direction direction = key.reverse ? rnn_direction::unidirectional_right2left
                                        : rnn_direction::unidirectional_left2right;
  switch (key.cell) {
    case Cell::RnnTanh:
    case Cell::RnnRelu: {
      algorithm activation =
          key.cell == Cell::RnnTanh ? algorithm::eltwise_tanh : algorithm::eltwise_relu;
      dnnl::vanilla_rnn_forward::desc desc(prop, activation, direction, d.srcLayer, d.srcIter,
                                           d.weightsLayer, d.weightsIter, d.bias, d.dstLayer,
                                           d.dstIter, dnnl::rnn_flags::undef,
                                           0.0f /* relu's negative slope: plain relu */);
      return dnnl::vanilla_rnn_forward::primitive_desc(desc, attr, engine);
    }
    case Cell::Lstm: {
      dnnl::lstm_forward::desc desc(prop, direction, d.srcLayer, d.srcIter, d.srcIterC,
                                    d.weightsLayer, d.weightsIter, d.bias, d.dstLayer, d.dstIter,
                                    d.dstIterC);
      return dnnl::lstm_forward::primitive_desc(desc, attr, engine);
    }
    case Cell::Gru: {
      // oneDNN's `gru` (not `lbr_gru`) applies the reset gate before the recurrent matmul, as
      // Keras does with reset_after=False.
      dnnl::gru_forward::desc desc(prop, direction, d.srcLayer, d.srcIter, d.weightsLayer,
                                   d.weightsIter, d.bias, d.dstLayer, d.dstIter);
      return dnnl::gru_forward::primitive_desc(desc, attr, engine);
    }
  }
  throw dnnl::error(dnnl_invalid_arguments, "unknown cell");
}

/**
 * A new owning handle on `pd`: the C++ wrappers take ownership of the C handle they are built from,
 * so the backward hint needs its own copy rather than the cached forward's.
 */
dnnl_primitive_desc_t clonePd(const dnnl::primitive_desc_base &pd) {
  dnnl_primitive_desc_t clone = nullptr;
  dnnl::error::wrap_c_api(dnnl_primitive_desc_clone(&clone, pd.get()), "clone forward hint");
  return clone;
}

/**
 * Backward takes the forward's data descriptors for both values and gradients; its weights and
 * diff weights are `any`, so oneDNN picks the format its backward kernels want (see WeightsPort).
 */
dnnl::rnn_primitive_desc_base makeBackward(const dnnl::engine &engine, const PlanKey &key,
                                           const Descs &d,
                                           const dnnl::rnn_primitive_desc_base &forwardPd,
                                           const dnnl::primitive_attr &attr) {
  rnn_direction direction = key.reverse ? rnn_direction::unidirectional_right2left
                                        : rnn_direction::unidirectional_left2right;
  memory::desc anyLayer(d.weightsLayer.dims(), dt::f32, tag::any);
  memory::desc anyIter(d.weightsIter.dims(), dt::f32, tag::any);
  switch (key.cell) {
    case Cell::RnnTanh:
    case Cell::RnnRelu: {
      algorithm activation =
          key.cell == Cell::RnnTanh ? algorithm::eltwise_tanh : algorithm::eltwise_relu;
      dnnl::vanilla_rnn_backward::desc desc(
          prop_kind::backward, activation, direction, d.srcLayer, d.srcIter, anyLayer, anyIter,
          d.bias, d.dstLayer, d.dstIter, d.srcLayer, d.srcIter, anyLayer, anyIter, d.bias,
          d.dstLayer, d.dstIter, dnnl::rnn_flags::undef, 0.0f);
      return dnnl::vanilla_rnn_backward::primitive_desc(
          desc, attr, engine, dnnl::vanilla_rnn_forward::primitive_desc(clonePd(forwardPd)));
    }
    case Cell::Lstm: {
      dnnl::lstm_backward::desc desc(prop_kind::backward, direction, d.srcLayer, d.srcIter,
                                     d.srcIterC, anyLayer, anyIter, d.bias, d.dstLayer, d.dstIter,
                                     d.dstIterC, d.srcLayer, d.srcIter, d.srcIterC, anyLayer,
                                     anyIter, d.bias, d.dstLayer, d.dstIter, d.dstIterC);
      return dnnl::lstm_backward::primitive_desc(
          desc, attr, engine, dnnl::lstm_forward::primitive_desc(clonePd(forwardPd)));
    }
    case Cell::Gru: {
      dnnl::gru_backward::desc desc(prop_kind::backward, direction, d.srcLayer, d.srcIter,
                                    anyLayer, anyIter, d.bias, d.dstLayer, d.dstIter, d.srcLayer,
                                    d.srcIter, anyLayer, anyIter, d.bias, d.dstLayer, d.dstIter);
      return dnnl::gru_backward::primitive_desc(
          desc, attr, engine, dnnl::gru_forward::primitive_desc(clonePd(forwardPd)));
    }
  }
  throw dnnl::error(dnnl_invalid_arguments, "unknown cell");
}

/** A port between the user layout and `inner`; the reorder exists only when they differ. */
void preparePort(WeightsPort &port, const dnnl::engine &engine, const memory::desc &user,
                 const memory::desc &inner, bool intoInner) {
  port.needed = user != inner;
  if (!port.needed) return;
  port.buffer.allocate(inner.get_size());
  port.user = memory(user, engine, DNNL_MEMORY_NONE);
  port.inner = memory(inner, engine, port.buffer.data());
  const memory::desc &src = intoInner ? user : inner;
  const memory::desc &dst = intoInner ? inner : user;
  port.reorder = dnnl::reorder(dnnl::reorder::primitive_desc(engine, src, engine, dst));
}

/**
 * Multiply-adds per time step below which one OpenMP thread beats two: a fork/join costs a few
 * µs, as much as the whole step of a T = 1, N = 1 sampling call (LSTM-128: 82k).
 */
constexpr int64_t SMALL_STEP_MACS = int64_t(1) << 17;

}  // namespace

void Binding::add(int arg, const memory::desc &desc, const dnnl::engine &engine, void *fixed) {
  if (desc.is_zero()) return;
  args_.emplace(arg, memory(desc, engine, fixed ? fixed : DNNL_MEMORY_NONE));
}

size_t TapeBuffers::bytes() const {
  return x.bytes() + h0.bytes() + c0.bytes() + weightsLayer.bytes() + weightsIter.bytes() +
         bias.bytes() + y.bytes() + hT.bytes() + cT.bytes() + workspace.bytes();
}

std::shared_ptr<RnnPlan> makePlan(const dnnl::engine &engine, const PlanKey &key,
                                  int maxThreads) {
  auto plan = std::make_shared<RnnPlan>();
  plan->key = key;
  const memory::dim T = key.steps, N = key.batch, I = key.inputSize, H = key.units,
                    G = gatesOf(key.cell);
  plan->threads = N * G * H * (I + H) < SMALL_STEP_MACS ? 1 : std::max(1, maxThreads);
  // oneDNN sizes per-thread scratch for the thread count current when a primitive is made.
  omp_set_num_threads(plan->threads);

  // Time-major data and tfjs-layers weights are exactly oneDNN's plain tnc / ldnc / ldigo / ldgo
  // with one layer and one direction.
  plan->srcLayer = memory::desc({T, N, I}, dt::f32, tag::tnc);
  plan->state = memory::desc({1, 1, N, H}, dt::f32, tag::ldnc);
  plan->weightsLayer = memory::desc({1, 1, I, G, H}, dt::f32, tag::ldigo);
  plan->weightsIter = memory::desc({1, 1, H, G, H}, dt::f32, tag::ldigo);
  plan->bias = memory::desc({1, 1, G, H}, dt::f32, tag::ldgo);
  plan->dstLayer = memory::desc({T, N, H}, dt::f32, tag::tnc);
  const memory::desc &state = plan->state;
  const memory::desc stateC = cellState(key, state);

  Descs d{plan->srcLayer,     plan->state,       stateC,
          plan->weightsLayer, plan->weightsIter, plan->bias,
          plan->dstLayer,     plan->state,       stateC};

  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);

  // Forward keeps the user's weights layout: a per-call reorder into a packed format would cost
  // more than a T = 1 sampling step itself.
  dnnl::rnn_primitive_desc_base forwardPd = makeForward(engine, key, d, attr);
  plan->forward = dnnl::primitive(forwardPd);
  size_t scratch = forwardPd.scratchpad_desc().get_size();

  plan->zeros.allocate(plan->stateElements() * sizeof(float));
  plan->zeros.zero();
  plan->discard.allocate(2 * plan->stateElements() * sizeof(float));

  Binding &f = plan->forwardArgs;
  f.add(DNNL_ARG_SRC_LAYER, d.srcLayer, engine);
  f.add(DNNL_ARG_SRC_ITER, state, engine);
  f.add(DNNL_ARG_SRC_ITER_C, stateC, engine);
  f.add(DNNL_ARG_WEIGHTS_LAYER, d.weightsLayer, engine);
  f.add(DNNL_ARG_WEIGHTS_ITER, d.weightsIter, engine);
  f.add(DNNL_ARG_BIAS, d.bias, engine);
  f.add(DNNL_ARG_DST_LAYER, d.dstLayer, engine);
  f.add(DNNL_ARG_DST_ITER, state, engine);
  f.add(DNNL_ARG_DST_ITER_C, stateC, engine);

  dnnl::rnn_primitive_desc_base backwardPd;
  if (key.training) {
    plan->workspace = forwardPd.workspace_desc();
    f.add(DNNL_ARG_WORKSPACE, plan->workspace, engine);

    backwardPd = makeBackward(engine, key, d, forwardPd, attr);
    plan->backward = dnnl::primitive(backwardPd);
    scratch = std::max(scratch, backwardPd.scratchpad_desc().get_size());
    preparePort(plan->backwardWeightsLayer, engine, d.weightsLayer,
                backwardPd.weights_layer_desc(), true);
    preparePort(plan->backwardWeightsIter, engine, d.weightsIter, backwardPd.weights_iter_desc(),
                true);
    preparePort(plan->diffWeightsLayer, engine, d.weightsLayer,
                backwardPd.diff_weights_layer_desc(), false);
    preparePort(plan->diffWeightsIter, engine, d.weightsIter,
                backwardPd.diff_weights_iter_desc(), false);

    Binding &b = plan->backwardArgs;
    float *discard = plan->discard.floats();
    b.add(DNNL_ARG_SRC_LAYER, d.srcLayer, engine);
    b.add(DNNL_ARG_SRC_ITER, state, engine);
    b.add(DNNL_ARG_SRC_ITER_C, stateC, engine);
    b.add(DNNL_ARG_WEIGHTS_LAYER, backwardPd.weights_layer_desc(), engine);
    b.add(DNNL_ARG_WEIGHTS_ITER, backwardPd.weights_iter_desc(), engine);
    b.add(DNNL_ARG_BIAS, d.bias, engine);
    b.add(DNNL_ARG_DST_LAYER, d.dstLayer, engine);
    b.add(DNNL_ARG_DST_ITER, state, engine);
    b.add(DNNL_ARG_DST_ITER_C, stateC, engine);
    b.add(DNNL_ARG_WORKSPACE, plan->workspace, engine);
    b.add(DNNL_ARG_DIFF_DST_LAYER, d.dstLayer, engine);
    // The interface has no gradient flowing into the final state: the loss reads y only.
    b.add(DNNL_ARG_DIFF_DST_ITER, state, engine, plan->zeros.data());
    b.add(DNNL_ARG_DIFF_DST_ITER_C, stateC, engine, plan->zeros.data());
    b.add(DNNL_ARG_DIFF_SRC_LAYER, d.srcLayer, engine);
    b.add(DNNL_ARG_DIFF_SRC_ITER, state, engine, discard);
    b.add(DNNL_ARG_DIFF_SRC_ITER_C, stateC, engine, discard + plan->stateElements());
    b.add(DNNL_ARG_DIFF_WEIGHTS_LAYER, backwardPd.diff_weights_layer_desc(), engine);
    b.add(DNNL_ARG_DIFF_WEIGHTS_ITER, backwardPd.diff_weights_iter_desc(), engine);
    b.add(DNNL_ARG_DIFF_BIAS, d.bias, engine);
  }

  plan->scratchpad.allocate(scratch);
  f.add(DNNL_ARG_SCRATCHPAD, forwardPd.scratchpad_desc(), engine, plan->scratchpad.data());
  if (key.training) {
    plan->backwardArgs.add(DNNL_ARG_SCRATCHPAD, backwardPd.scratchpad_desc(), engine,
                           plan->scratchpad.data());
  }
  return plan;
}
