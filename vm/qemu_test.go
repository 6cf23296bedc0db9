package vm

import (
	"slices"
	"strings"
	"testing"
)

func TestQemuArgs(t *testing.T) {
	cfg := withDefaults(Config{Kernel: "/k", Initramfs: "/i", Cmdline: "console=ttyS0 lc.cgroup=v2", Accel: "tcg"})
	args := QemuArgs(cfg, "/tmp/results")
	joined := strings.Join(args, " ")
	for _, want := range []string{
		"-no-reboot", "-accel tcg", "-m 512", "-smp 2", "-kernel /k", "-initrd /i",
		"-device isa-debug-exit,iobase=0xf4,iosize=0x04",
		"-chardev file,id=results,path=/tmp/results",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("args lack %q: %s", want, joined)
		}
	}
	if i := slices.Index(args, "-append"); i < 0 || args[i+1] != cfg.Cmdline {
		t.Errorf("cmdline not passed as one argument: %q", args)
	}
	// ttyS0 (console) must come before ttyS1 (results).
	if strings.Index(joined, "chardev:console") > strings.Index(joined, "chardev:results") {
		t.Errorf("serial order: %s", joined)
	}
	kvm := strings.Join(QemuArgs(withDefaults(Config{Accel: "kvm"}), "/r"), " ")
	if !strings.Contains(kvm, "-accel kvm -accel tcg") {
		t.Errorf("kvm without tcg fallback: %s", kvm)
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 5}
	for _, s := range []string{"abc", "defg", "h"} {
		if _, err := b.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if got := string(b.Bytes()); got != "defgh" {
		t.Errorf("tail = %q", got)
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a\nb\nc\n", 2, "b\nc"},
		{"a\nb", 5, "a\nb"},
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := lastLines([]byte(tt.in), tt.n); got != tt.want {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
