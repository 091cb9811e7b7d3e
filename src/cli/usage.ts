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
  web                          serve the studio to a browser on 127.0.0.1 (browser mode)
        --port N               port to listen on (default: any free port)

Options for every command:
  --home DIR                   the studio's data folder (default: $RNN_STUDIO_HOME, else the
                               platform data folder, e.g. ~/.local/share/rnn-studio)
  --json                       print one JSON document (for scripts)
  -h, --help                   this help

Exit codes: 0 success, 1 the operation failed (bad data, not found…), 2 wrong usage.
`
