"""Running untrusted submission code: a confined worker process and the pipe protocol to it."""
