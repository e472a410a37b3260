"""cluster_mpi4py.py: the cluster lab's ping-pong in Python, with mpi4py.

mpi4py sends a message two ways. With buffers (the capitalised methods, comm.Send and
comm.Recv) it hands MPI the memory of a bytearray or a NumPy array as it is: no copy, no
conversion, close to C. With Python objects (the lower-case methods, comm.send and
comm.recv) it pickles the object into bytes, sends them, and the receiver unpickles a
new object: any object travels, but every message pays for pickling and a new object.

Run it on its own, under Open MPI:

    mpirun.openmpi -n 2 /usr/bin/python3 labs/cluster/cluster_mpi4py.py

and it prints the one-way latency (half a round trip, the OSU method) of 8 bytes and of
1 MiB, each way. Inside parlab (`parlab run cluster`), with --serve, rank 0 reads one
command a line on its standard input (mpirun forwards parlab's pipe to it) and answers
one line:

    hosts                          -> ok hosts H0 H1   each rank's hostname
    ping buffers|pickle BYTES N    -> ok SECONDS CPU   N round trips between ranks 0 and 1,
                                                       and the CPU seconds both ranks used
"""
import socket
import sys
import time

perf = time.perf_counter

try:
    from mpi4py import MPI
    NO_MPI4PY = None
except Exception as e:  # not installed: say why, in the protocol if serving
    NO_MPI4PY = "cannot import mpi4py (%s): apt-get install python3-mpi4py" % e


def ping(comm, how, nbytes, iters):
    """iters round trips of nbytes between ranks 0 and 1; rank 0 returns the seconds."""
    rank = comm.Get_rank()
    other = 1 - rank
    sbuf, rbuf = bytearray(nbytes), bytearray(nbytes)
    obj = bytes(nbytes)  # the object a pickled message carries
    comm.Barrier()
    t0 = perf()
    if how == "buffers":
        for _ in range(iters):
            if rank == 0:
                comm.Send(sbuf, dest=other, tag=1)
                comm.Recv(rbuf, source=other, tag=1)
            else:
                comm.Recv(rbuf, source=other, tag=1)
                comm.Send(sbuf, dest=other, tag=1)
    else:
        for _ in range(iters):
            if rank == 0:
                comm.send(obj, dest=other, tag=1)
                comm.recv(source=other, tag=1)
            else:
                got = comm.recv(source=other, tag=1)
                comm.send(got, dest=other, tag=1)
    return perf() - t0


def serve(comm):
    """Rank 0 reads a command, every rank gets it through a non-blocking broadcast, tested
    every half millisecond: between commands the ranks sleep instead of spinning."""
    rank = comm.Get_rank()
    buf = bytearray(256)
    while True:
        if rank == 0:
            line = sys.stdin.readline()
            cmd = (line.strip() or "quit") if line else "quit"
            buf[:] = cmd.encode()[:255].ljust(256, b"\0")
        req = comm.Ibcast(buf, root=0)
        while not req.Test():
            time.sleep(0.0005)
        words = bytes(buf).rstrip(b"\0").decode().split()
        if words[0] == "quit":
            return
        if words[0] == "hosts":
            names = comm.gather(socket.gethostname(), root=0)
            if rank == 0:
                print("ok hosts", " ".join(names), flush=True)
        elif words[0] == "ping" and len(words) == 4 and words[1] in ("buffers", "pickle"):
            cpu = time.process_time()
            sec = ping(comm, words[1], int(words[2]), int(words[3]))
            cpu = comm.reduce(time.process_time() - cpu, root=0)
            if rank == 0:
                print("ok %.9f %.6f" % (sec, cpu), flush=True)
        elif rank == 0:
            print("err cannot parse %r" % " ".join(words), flush=True)


def main():
    comm = MPI.COMM_WORLD
    if comm.Get_size() < 2:
        print("run it with 2 ranks: mpirun.openmpi -n 2 /usr/bin/python3 %s" % sys.argv[0])
        return
    for nbytes, iters in ((8, 20000), (1 << 20, 200)):
        for how in ("buffers", "pickle"):
            ping(comm, how, nbytes, iters // 10)  # warm-up
            sec = ping(comm, how, nbytes, iters)
            if comm.Get_rank() == 0:
                print("%-8s %8d bytes: %9.2f us one way" % (how, nbytes, sec / iters / 2 * 1e6))


if __name__ == "__main__":
    if NO_MPI4PY:
        # serving: the first command gets the reason; on its own: a plain message
        if "--serve" in sys.argv:
            for _ in sys.stdin:
                print("err", NO_MPI4PY, flush=True)
        else:
            print(NO_MPI4PY)
        sys.exit(0)
    if "--serve" in sys.argv:
        serve(MPI.COMM_WORLD)
    else:
        main()
