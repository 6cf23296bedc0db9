package hostview

import "testing"

func TestParseFDInfoFlags(t *testing.T) {
	if f, ok := ParseFDInfoFlags("pos:\t0\nflags:\t02100002\nmnt_id:\t27\n"); !ok || f != 02100002 {
		t.Errorf("flags %o %v", f, ok)
	}
	if _, ok := ParseFDInfoFlags("pos: 0\n"); ok {
		t.Error("no flags line parsed")
	}
}
