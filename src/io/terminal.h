// Facts about the process's terminal, for the command line (progress bars, interactive modes).
// Thread-safety: pure queries.
#pragma once

namespace kmb::io {

// True when standard error (or input / output) is attached to a terminal.
bool stderr_is_terminal();
bool stdin_is_terminal();
bool stdout_is_terminal();

}  // namespace kmb::io
