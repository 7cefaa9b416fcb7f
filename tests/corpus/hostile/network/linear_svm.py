"""Phones home."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import socket
    for address in (("127.0.0.1", 47231), ("1.1.1.1", 53)):
        try:
            with socket.create_connection(address, timeout=1) as conn:
                conn.sendall(b"hostile")
        except OSError:
            pass
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.sendto(b"hostile", address)
        except OSError:
            pass
    print("ATTEMPTED", flush=True)  # the attack ran: the test checks it did
    raise RuntimeError("phoned home")
