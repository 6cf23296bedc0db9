package runtime

import (
	"reflect"
	"testing"
)

func TestSubordinateIDs(t *testing.T) {
	text := "# comment\nalice:100000:65536\n1001:200000:1000\nbob:x:1\nalice:-5:10\nalice:300000:0\nalice:4294967290:100\n  carol:500000:70000  \n"
	for _, tc := range []struct {
		name string
		id   int
		want []subRange
	}{
		{"alice", 1000, []subRange{{100000, 65536}}},
		{"", 1001, []subRange{{200000, 1000}}},
		{"dave", 1001, []subRange{{200000, 1000}}},
		{"bob", 1002, nil},
		{"carol", 1003, []subRange{{500000, 70000}}},
	} {
		if got := parseSubIDs(text, tc.name, tc.id); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s/%d: got %v, want %v", tc.name, tc.id, got, tc.want)
		}
	}
	maps, ok := subIDMaps(1000, []subRange{{500000, 70000}})
	if want := []IDMap{{0, 1000, 1}, {1, 500000, 65536}}; !ok || !reflect.DeepEqual(maps, want) {
		t.Errorf("got %v %v, want %v: at most 65536 ids past root", maps, ok, want)
	}
	// A range that holds the caller's own id would map it twice.
	maps, ok = subIDMaps(1000, []subRange{{0, 5000}, {200000, 10}})
	if want := []IDMap{{0, 1000, 1}, {1, 200000, 10}}; !ok || !reflect.DeepEqual(maps, want) {
		t.Errorf("got %v %v, want %v", maps, ok, want)
	}
	if _, ok := subIDMaps(1000, nil); ok {
		t.Error("no ranges, yet maps")
	}
}
