package cluster

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

type stubFSM struct{}

func (stubFSM) Apply(*raft.Log) any                 { return nil }
func (stubFSM) Snapshot() (raft.FSMSnapshot, error) { return nil, errors.New("no") }
func (stubFSM) Restore(rc io.ReadCloser) error      { return rc.Close() }
func (stubFSM) Digest() string                      { return "" }

func TestWaitAppliedIsReleasedByApply(t *testing.T) {
	tr := newAppliedTracker()
	f := wrapFSM(stubFSM{}, tr)
	done := make(chan error, 1)
	go func() { done <- tr.wait(context.Background(), 3) }()
	f.Apply(&raft.Log{Index: 2})
	select {
	case err := <-done:
		t.Fatalf("released at index 2: %v", err)
	default:
	}
	f.Apply(&raft.Log{Index: 3})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWaitAppliedEndsWithContextAndClose(t *testing.T) {
	tr := newAppliedTracker()
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := tr.wait(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait = %v", err)
	}
	tr.close()
	if err := tr.wait(context.Background(), 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("wait after close = %v", err)
	}
}

func TestEncodeResponseTurnsFSMErrorsIntoFSMError(t *testing.T) {
	a, err := encodeResponse(7, errors.New("boom"))
	var fe *FSMError
	if !errors.As(err, &fe) || fe.Message != "boom" || a.Index != 7 {
		t.Fatalf("got %+v, %v", a, err)
	}
	a, err = encodeResponse(8, map[string]int{"n": 1})
	if err != nil || string(a.Response) != `{"n":1}` {
		t.Fatalf("got %s, %v", a.Response, err)
	}
}
