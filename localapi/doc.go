// Package localapi lets the command line reach a running cashier window.
//
// The window process holds the terminal database's lock for as long as it
// runs, so a second wxpos cannot open it. Instead the window listens on a
// unix socket in the data directory (SocketPath) and runs the commands a
// CLI sends it, streaming their standard output and error back and ending
// with the exit status. The protocol is JSON lines: one Request from the
// client, then Frames from the server, the last one carrying the exit
// status.
//
// Access: the socket file is mode 0600 (created in a private directory and
// renamed into place, so it is never reachable with looser rights), the
// data directory is the user's own, and where the kernel says who is
// calling (SO_PEERCRED on Linux) a peer of another uid is refused.
// A socket left by a crashed window is detected (nothing answers) and
// replaced by the next one.
//
// What a command means is not this package's business: the server calls a
// Handler with the request, and the cli package decides which commands it
// serves (money-moving ones are refused). Unix sockets exist on Windows 10
// and later; the code is portable, only the peer check is Linux-only (on
// other systems the file's mode is the guard).
package localapi
