package probes

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// A probe that awaits the host's go-ahead and later holds announces both
// waits, so a host that cannot see the reads (a sandbox) tells them apart.
func TestAwaitThenHoldAnnouncesBoth(t *testing.T) {
	r, w := io.Pipe()
	var errb bytes.Buffer
	var mu sync.Mutex
	in := &holdNotice{r: r, w: lockedWriter{&mu, &errb}, line: HoldLine + "n\n"}
	lines := func() int {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(errb.String(), HoldLine)
	}
	got := make(chan string, 2)
	go func() {
		got <- Await(in, 5*time.Second)
		got <- Hold(in, 5*time.Second)
	}()
	for lines() < 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := w.Write([]byte{'\n'}); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g != "go" {
		t.Fatalf("Await = %q, want go", g)
	}
	for lines() < 2 {
		time.Sleep(time.Millisecond)
	}
	w.Close()
	if g := <-got; g != "eof" {
		t.Fatalf("Hold = %q, want eof", g)
	}
	if n := lines(); n != 2 {
		t.Fatalf("%d hold lines, want 2 (the await and the hold)", n)
	}
}

func TestAwaitEOFAndTimeout(t *testing.T) {
	if g := Await(strings.NewReader(""), time.Second); g != "eof" {
		t.Errorf("Await(closed) = %q, want eof", g)
	}
	r, w := io.Pipe()
	defer w.Close()
	if g := Await(r, 10*time.Millisecond); g != "timeout" {
		t.Errorf("Await(open) = %q, want timeout", g)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
