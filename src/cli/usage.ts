export const USAGE = `rnn-studio — train and inspect recurrent neural networks from a terminal

Usage:
  rnn-studio <command> [options]

Commands:
  info                         where the store is and which compute backend training will use
  datasets list                the datasets in the store, with their key statistics
  datasets show ID             one dataset's full statistics
  datasets add PATH            check a file or folder and add it to the store
        --name NAME            display name (default: the file or folder name)
        --kind KIND            text | csv | labelled | class-folder (default: detected)
  runs list                    the runs in the store, newest first
        --status S[,S…]        only runs in these states
        --limit N              at most N runs (default 500)
  runs show RUN                a run's status, config, metrics summary and checkpoints
  train                        train a run here, showing its progress until it ends; Ctrl-C
                               stops it after the current step with a checkpoint (again: abandon)
        --preset NAME          start from a named config (e.g. tiny-shakespeare-char,
                               names-classify, airline-forecast, adding-problem-lstm)
        --config FILE          start from a RunConfig JSON file; flags below override it
        --task KIND            text-generation | forecast | classification | seq2seq | synthetic
                               (default: what --dataset, --problem or --source implies)
        --dataset ID|NAME      the dataset to train on
        --seq-len N  --tokens char|word  --vocab N            text generation
        --target COL  --features A,B  --lookback N  --horizon N   forecasting
        --max-length N  --tokens char|word  --fold-accents     classification
        --source dates|addition|dataset  --digits N  --examples N  seq2seq
        --problem adding|sequence-sum|copy-first  --length T  --examples N  synthetic
        --cell rnn|lstm|gru    the recurrent cell (default lstm)
        --units 128,128        one width per stacked layer (default 128)
        --bidirectional  --dropout P  --embedding N  --activation tanh|relu
        --steps N  --batch N  --lr R  --optimizer adam|rmsprop|sgd  --epochs N
        --time-budget SEC  --eval-every N  --checkpoint-every N  --log-every N
        --seed N  --clip NORM  --val-split F
        --engine NAME          auto | native | wasm | tfjs | js: what computes each step
        --backend NAME         auto | tensorflow-gpu | tensorflow | wasm | cpu
        --name NAME            the run's name
  resume RUN                   continue a stopped, interrupted or failed run from its last
                               checkpoint, showing its progress like train
  sample RUN                   generate text with a text-generation run's best checkpoint
        --prime TEXT           text to start from    --length N   tokens to write (200)
        --temperature T        0 = most likely, 1 = as learnt (0.8)   --top-k K   --seed N
  predict RUN --input X        a classification, forecast or seq2seq run's answer for one
                               input: text, or feature rows as "1,2;3,4" or [[1,2],[3,4]]
  export RUN                   write a run's model with studio.json and a README (how to use it)
        --format F             tfjs (TensorFlow.js Layers) | onnx | all (default all)
        --checkpoint C         best (default; the latest when none is best) | latest | STEP
        --out DIR              a new or empty folder (default: <home>/exports/<run>-<time>/)
  export RUN --curves          write the run's metrics.csv and config.json, for reports
        --out DIR              as above
  web                          serve the studio to a browser on 127.0.0.1 (browser mode)
        --port N               port to listen on (default: any free port)

Options for every command:
  --home DIR                   the studio's data folder (default: $RNN_STUDIO_HOME, else the
                               platform data folder, e.g. ~/.local/share/rnn-studio)
  --json                       print one JSON document (for scripts)
  -h, --help                   this help

Exit codes: 0 success (a stopped run too), 1 the operation failed (bad data, not found, a run
that failed or was interrupted…), 2 wrong usage.
`
