# Builds the oneDNN engine addon (issue #6, native path) with node-gyp against the system oneDNN:
# Debian's libdnnl-dev 2.6.3 here (headers in /usr/include/oneapi/dnnl, OpenMP threading runtime).
# scripts/build-native.js runs this; the output is native/onednn/build/Release/rnn_studio_onednn.node.
{
  "variables": {
    "dnnl_root%": "<!(node -p \"process.env.DNNL_ROOT || ''\")"
  },
  "targets": [
    {
      "target_name": "rnn_studio_onednn",
      "sources": [
        "src/addon.cc",
        "src/napi_args.cc",
        "src/rnn_plan.cc",
        "src/rnn_run.cc"
      ],
      # oneDNN's C++ API reports failures as exceptions; node-gyp turns them off by default.
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"],
      # libgomp is oneDNN's own threading runtime (DNNL_CPU_RUNTIME=OMP in dnnl_config.h): linking
      # it lets the addon set the thread count the primitives use.
      "libraries": ["-ldnnl", "-lgomp"],
      "conditions": [
        # A oneDNN build or release archive outside the system paths (scripts/build-native.js).
        ["dnnl_root!=''", {
          "include_dirs": ["<(dnnl_root)/include"],
          "libraries": ["-L<(dnnl_root)/lib", "-Wl,-rpath,<(dnnl_root)/lib"]
        }]
      ]
    }
  ]
}
