package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fastClient is the search path's HTTP/1.1 client for plain-HTTP nodes.
// net/http's Transport hands every call between three goroutines (the
// caller, the connection's writeLoop and its readLoop); on a busy peer
// each hand-off waits for a core. Here the calling goroutine writes the
// request and reads the answer on a pooled keep-alive connection itself.
// It is used only for idempotent reads (a search may be sent twice: once
// more when a pooled connection turns out closed by the node).
type fastClient struct {
	dialer  net.Dialer
	maxIdle int // per node

	mu     sync.Mutex
	idle   map[string][]*fastConn // host:port -> idle connections, last used last
	closed bool
}

// fastConn is one keep-alive connection to a node.
type fastConn struct {
	c        net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	lastUsed time.Time
}

// idleFor is how long a pooled connection is trusted: nodes close idle
// connections after a while (Go's server after its IdleTimeout).
const idleFor = 30 * time.Second

// errNotFast means the address is not plain http://host:port.
var errNotFast = errors.New("proxy: not a plain HTTP node address")

func newFastClient() *fastClient {
	return &fastClient{
		dialer:  net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second},
		maxIdle: 128,
		idle:    map[string][]*fastConn{},
	}
}

// hostPort returns host:port of an http:// address.
func hostPort(addr string) (string, bool) {
	rest, ok := strings.CutPrefix(addr, "http://")
	if !ok {
		return "", false
	}
	rest = strings.TrimRight(rest, "/")
	if rest == "" || strings.ContainsAny(rest, "/?#@") {
		return "", false
	}
	if _, _, err := net.SplitHostPort(rest); err != nil {
		return rest + ":80", true
	}
	return rest, true
}

// post sends one POST and returns the status and the body, read into a
// buffer from pool (the caller returns it). Errors are transport errors.
func (fc *fastClient) post(ctx context.Context, addr, path, key string, body []byte, pool *bufPool) (int, []byte, error) {
	hp, ok := hostPort(addr)
	if !ok {
		return 0, nil, errNotFast
	}
	conn, reused, err := fc.get(ctx, hp)
	if err != nil {
		return 0, nil, err
	}
	status, out, err := fc.roundTrip(ctx, conn, hp, path, key, body, pool)
	if err != nil && reused && ctx.Err() == nil && !errors.Is(err, errAnswered) {
		// The node closed the pooled connection while it was idle: send
		// once more on a fresh one (a search is idempotent).
		if conn, err = fc.dial(ctx, hp); err != nil {
			return 0, nil, err
		}
		status, out, err = fc.roundTrip(ctx, conn, hp, path, key, body, pool)
	}
	return status, out, err
}

// errAnswered marks failures after the node began answering: not a stale
// connection, so no second try.
var errAnswered = errors.New("node answer broken off")

func (fc *fastClient) roundTrip(ctx context.Context, conn *fastConn, hp, path, key string, body []byte, pool *bufPool) (int, []byte, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.c.SetDeadline(dl)
	} else {
		_ = conn.c.SetDeadline(time.Time{})
	}
	// A cancelled call (client gone, hedge won) unblocks at once.
	stop := context.AfterFunc(ctx, func() { _ = conn.c.SetDeadline(time.Unix(1, 0)) })
	status, out, keep, err := exchange(conn, hp, path, key, body, pool)
	if !stop() || err != nil || !keep {
		_ = conn.c.Close()
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		return status, out, err
	}
	fc.put(hp, conn)
	return status, out, nil
}

// exchange writes the request and reads the whole answer.
func exchange(conn *fastConn, hp, path, key string, body []byte, pool *bufPool) (status int, out []byte, keep bool, err error) {
	w := conn.bw
	w.WriteString("POST ")
	w.WriteString(path)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(hp)
	if key != "" {
		w.WriteString("\r\nAuthorization: Bearer ")
		w.WriteString(key)
	}
	w.WriteString("\r\nContent-Type: application/json\r\nContent-Length: ")
	w.WriteString(strconv.Itoa(len(body)))
	w.WriteString("\r\n\r\n")
	w.Write(body)
	if err := w.Flush(); err != nil {
		return 0, nil, false, err
	}
	if _, err := conn.br.Peek(1); err != nil {
		return 0, nil, false, err
	}
	resp, err := http.ReadResponse(conn.br, nil)
	if err != nil {
		return 0, nil, false, fmt.Errorf("%w: %v", errAnswered, err)
	}
	out = pool.get(int(max(resp.ContentLength, 16<<10)))
	out, err = readAll(resp.Body, out)
	if err != nil {
		pool.put(out)
		return 0, nil, false, fmt.Errorf("%w: %v", errAnswered, err)
	}
	return resp.StatusCode, out, !resp.Close, nil
}

// readAll appends r to b until EOF.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// get returns an idle connection to hp (reused true) or dials one.
func (fc *fastClient) get(ctx context.Context, hp string) (*fastConn, bool, error) {
	fc.mu.Lock()
	for l := fc.idle[hp]; len(l) > 0; l = fc.idle[hp] {
		c := l[len(l)-1]
		fc.idle[hp] = l[:len(l)-1]
		if time.Since(c.lastUsed) < idleFor {
			fc.mu.Unlock()
			return c, true, nil
		}
		_ = c.c.Close()
	}
	fc.mu.Unlock()
	c, err := fc.dial(ctx, hp)
	return c, false, err
}

func (fc *fastClient) dial(ctx context.Context, hp string) (*fastConn, error) {
	c, err := fc.dialer.DialContext(ctx, "tcp", hp)
	if err != nil {
		return nil, err
	}
	return &fastConn{c: c, br: bufio.NewReaderSize(c, 16<<10), bw: bufio.NewWriterSize(c, 4<<10)}, nil
}

func (fc *fastClient) put(hp string, c *fastConn) {
	c.lastUsed = time.Now()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.closed || len(fc.idle[hp]) >= fc.maxIdle {
		_ = c.c.Close()
		return
	}
	fc.idle[hp] = append(fc.idle[hp], c)
}

// close closes the idle connections and every connection put back later.
func (fc *fastClient) close() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.closed = true
	for hp, l := range fc.idle {
		for _, c := range l {
			_ = c.c.Close()
		}
		delete(fc.idle, hp)
	}
}
