// The N-API surface of the oneDNN engine. src/engine/fused/native-kernels.ts is its only caller and
// wraps it into the FusedKernels interface; shapes are checked there and again here (every array
// length), so a wrong call throws instead of reading out of bounds.
//
//   info() → { version, runtime, maxThreads }   maxThreads: OpenMP's default
//   createContext(threads) → context        threads ≤ 0 leaves the OpenMP default
//   disposeContext(context)
//   rnnForward(context, cell, T, N, I, H, reverse, training, kernel, recurrentKernel, bias, x,
//              h0?, c0?, y, hT, cT?) → tape | null
//   rnnBackward(context, tape, dy, dx, dKernel, dRecurrentKernel, dBias)
//   releaseTape(tape)
//   gemm(context, transA, transB, m, n, k, alpha, a, b, beta, c)
#include <dnnl.hpp>
#include <node_api.h>
#include <omp.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "napi_args.h"
#include "rnn_plan.h"
#include "rnn_run.h"
#include "signal_shield.h"

namespace {

// Random tags: externals are only accepted back where they were made for.
const napi_type_tag CONTEXT_TAG = {0x6f6e65646e6e4378ULL, 0x72736e2d73747564ULL};
const napi_type_tag TAPE_TAG = {0x6f6e65646e6e5461ULL, 0x72736e2d74617065ULL};

/** Multiply-adds below which sgemm runs on one thread (the head's 1×65×128 sampling product). */
constexpr int64_t SMALL_GEMM_MACS = int64_t(1) << 17;

/**
 * OpenMP's thread count when the addon loaded (OMP_NUM_THREADS or the core count): kernels later
 * change the calling thread's setting per call, so it is read once, before any of them.
 */
int openmpDefaultThreads = 1;

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::unordered_map<PlanKey, std::shared_ptr<RnnPlan>, PlanKeyHash> plans;
  /** The most OpenMP threads a kernel may use (tiny ones use one: see makePlan). */
  int threads = 1;
  bool disposed = false;

  std::shared_ptr<RnnPlan> plan(const PlanKey &key) {
    auto found = plans.find(key);
    if (found != plans.end()) return found->second;
    auto made = makePlan(engine, key, threads);
    plans.emplace(key, made);
    return made;
  }
};

/** The JS handle of a tape: release() empties it early, the finalizer is the safety net. */
struct TapeHandle {
  std::unique_ptr<Tape> tape;
  int64_t accounted = 0;
};

void adjustExternal(napi_env env, int64_t change) {
  int64_t total = 0;
  napi_adjust_external_memory(env, change, &total);
}

void releaseTapeHandle(napi_env env, TapeHandle *handle) {
  handle->tape.reset();
  if (handle->accounted) adjustExternal(env, -handle->accounted);
  handle->accounted = 0;
}

void finalizeTape(napi_env env, void *data, void *) {
  auto *handle = static_cast<TapeHandle *>(data);
  releaseTapeHandle(env, handle);
  delete handle;
}

void finalizeContext(napi_env, void *data, void *) { delete static_cast<Context *>(data); }

Context &readContext(napi_env env, napi_value value) {
  auto *context = static_cast<Context *>(readExternal(env, value, &CONTEXT_TAG, "context"));
  if (context->disposed) throw ArgError("the oneDNN kernels were disposed");
  return *context;
}

napi_value undefinedValue(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

/** Runs `body`, turning C++ exceptions into JS exceptions (TypeError for bad arguments). */
template <typename Body>
napi_value guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const ArgError &error) {
    napi_throw_type_error(env, nullptr, error.what());
  } catch (const dnnl::error &error) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + error.what()).c_str());
  } catch (const std::exception &error) {
    napi_throw_error(env, nullptr, error.what());
  }
  return nullptr;
}

napi_value setProperty(napi_env env, napi_value object, const char *name, napi_value value) {
  checkStatus(env, napi_set_named_property(env, object, name, value), name);
  return object;
}

napi_value Info(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    const dnnl_version_t *version = dnnl_version();
    std::string text = std::to_string(version->major) + "." + std::to_string(version->minor) +
                       "." + std::to_string(version->patch);
    napi_value result, versionValue, runtime, threads;
    checkStatus(env, napi_create_object(env, &result), "info");
    napi_create_string_utf8(env, text.c_str(), NAPI_AUTO_LENGTH, &versionValue);
    napi_create_string_utf8(env, "OpenMP", NAPI_AUTO_LENGTH, &runtime);
    napi_create_int32(env, openmpDefaultThreads, &threads);
    setProperty(env, result, "version", versionValue);
    setProperty(env, result, "runtime", runtime);
    return setProperty(env, result, "maxThreads", threads);
  });
}

napi_value CreateContext(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[1];
    readArgs(env, info, 1, argv);
    int64_t threads = readInt(env, argv[0], "threads");
    auto context = std::make_unique<Context>();
    // OpenMP's thread count is per calling thread, and every kernel runs on this (the JS) thread;
    // kernels set it per call, between 1 and this.
    context->threads = threads > 0 ? static_cast<int>(threads) : openmpDefaultThreads;
    napi_value result;
    checkStatus(env, napi_create_external(env, context.get(), finalizeContext, nullptr, &result),
                "context");
    context.release();
    checkStatus(env, napi_type_tag_object(env, result, &CONTEXT_TAG), "context tag");
    return result;
  });
}

napi_value DisposeContext(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[1];
    readArgs(env, info, 1, argv);
    auto *context = static_cast<Context *>(readExternal(env, argv[0], &CONTEXT_TAG, "context"));
    // Plans live on while tapes made from them do (shared_ptr); the cache lets go of them now.
    context->plans.clear();
    context->disposed = true;
    return undefinedValue(env);
  });
}

napi_value RnnForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[17];
    readArgs(env, info, 17, argv);
    Context &context = readContext(env, argv[0]);
    int64_t cellCode = readInt(env, argv[1], "cell");
    if (cellCode < 0 || cellCode > 3) throw ArgError("cell must be 0..3");
    PlanKey key{static_cast<Cell>(cellCode),
                readInt(env, argv[2], "steps"),
                readInt(env, argv[3], "batch"),
                readInt(env, argv[4], "inputSize"),
                readInt(env, argv[5], "units"),
                readBool(env, argv[6], "reverse"),
                readBool(env, argv[7], "training")};
    if (key.steps < 1 || key.batch < 1 || key.inputSize < 1 || key.units < 1) {
      throw ArgError("steps, batch, inputSize and units must be at least 1");
    }
    const size_t T = key.steps, N = key.batch, I = key.inputSize, H = key.units,
                 G = gatesOf(key.cell);
    const bool lstm = key.cell == Cell::Lstm;
    ForwardIo io{readFloats(env, argv[8], I * G * H, "kernel"),
                 readFloats(env, argv[9], H * G * H, "recurrentKernel"),
                 readFloats(env, argv[10], G * H, "bias"),
                 readFloats(env, argv[11], T * N * I, "x"),
                 readOptionalFloats(env, argv[12], N * H, "h0"),
                 lstm ? readOptionalFloats(env, argv[13], N * H, "c0") : nullptr,
                 readFloats(env, argv[14], T * N * H, "y"),
                 readFloats(env, argv[15], N * H, "hT"),
                 lstm ? readFloats(env, argv[16], N * H, "cT") : nullptr};

    std::unique_ptr<Tape> tape;
    {
      // Every call that may run oneDNN code is shielded: see signal_shield.h.
      SignalShield shield;
      tape = runForward(context.stream, context.plan(key), io);
    }
    if (!tape) {
      napi_value nullValue;
      napi_get_null(env, &nullValue);
      return nullValue;
    }
    auto handle = std::make_unique<TapeHandle>();
    handle->accounted = static_cast<int64_t>(tape->buffers().bytes());
    handle->tape = std::move(tape);
    napi_value result;
    checkStatus(env, napi_create_external(env, handle.get(), finalizeTape, nullptr, &result),
                "tape");
    // Tell V8 how much native memory hangs off this small object, so a leaked tape is collected.
    adjustExternal(env, handle->accounted);
    handle.release();
    checkStatus(env, napi_type_tag_object(env, result, &TAPE_TAG), "tape tag");
    return result;
  });
}

napi_value RnnBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[7];
    readArgs(env, info, 7, argv);
    Context &context = readContext(env, argv[0]);
    auto *handle = static_cast<TapeHandle *>(readExternal(env, argv[1], &TAPE_TAG, "tape"));
    if (!handle->tape) throw ArgError("the tape was released");
    const PlanKey &key = handle->tape->plan().key;
    const size_t T = key.steps, N = key.batch, I = key.inputSize, H = key.units,
                 G = gatesOf(key.cell);
    BackwardIo io{readFloats(env, argv[2], T * N * H, "dy"),
                  readFloats(env, argv[3], T * N * I, "dx"),
                  readFloats(env, argv[4], I * G * H, "dKernel"),
                  readFloats(env, argv[5], H * G * H, "dRecurrentKernel"),
                  readFloats(env, argv[6], G * H, "dBias")};
    SignalShield shield;
    runBackward(context.stream, *handle->tape, io);
    return undefinedValue(env);
  });
}

napi_value ReleaseTape(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[1];
    readArgs(env, info, 1, argv);
    releaseTapeHandle(env, static_cast<TapeHandle *>(readExternal(env, argv[0], &TAPE_TAG, "tape")));
    return undefinedValue(env);
  });
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[11];
    readArgs(env, info, 11, argv);
    Context &context = readContext(env, argv[0]);
    bool transA = readBool(env, argv[1], "transA"), transB = readBool(env, argv[2], "transB");
    int64_t m = readInt(env, argv[3], "m"), n = readInt(env, argv[4], "n"),
            k = readInt(env, argv[5], "k");
    if (m < 0 || n < 0 || k < 0) throw ArgError("m, n and k must not be negative");
    float alpha = static_cast<float>(readNumber(env, argv[6], "alpha"));
    const float *a = readFloats(env, argv[7], m * k, "a");
    const float *b = readFloats(env, argv[8], k * n, "b");
    float beta = static_cast<float>(readNumber(env, argv[9], "beta"));
    float *c = readFloats(env, argv[10], m * n, "c");
    if (m == 0 || n == 0) return undefinedValue(env);
    if (beta == 0.0f) {
      // The contract: beta 0 ignores c's old contents, NaNs included; BLAS-style gemms may
      // multiply them by zero instead.
      std::fill(c, c + m * n, 0.0f);
    }
    if (k == 0) {
      for (int64_t i = 0; i < m * n; i++) c[i] *= beta;
      return undefinedValue(env);
    }
    // Same rule as the RNN plans: a fork/join costs more than it saves on a sampling-sized product.
    omp_set_num_threads(m * n * k < SMALL_GEMM_MACS ? 1 : context.threads);
    SignalShield shield;
    dnnl::error::wrap_c_api(dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, alpha, a,
                                       transA ? m : k, b, transB ? k : n, beta, c, n),
                            "sgemm");
    return undefinedValue(env);
  });
}

napi_value Init(napi_env env, napi_value exports) {
  openmpDefaultThreads = omp_get_max_threads();
  const napi_property_descriptor methods[] = {
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"createContext", nullptr, CreateContext, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"disposeContext", nullptr, DisposeContext, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"rnnForward", nullptr, RnnForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rnnBackward", nullptr, RnnBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"releaseTape", nullptr, ReleaseTape, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr}};
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
