package probes

import (
	"reflect"
	"testing"
)

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []IDMapRange
		wantErr bool
	}{
		{name: "initial namespace", text: "         0          0 4294967295\n",
			want: []IDMapRange{{0, 0, 4294967295}}},
		{name: "rootless", text: "0 1000 1\n1 100000 65536\n",
			want: []IDMapRange{{0, 1000, 1}, {1, 100000, 65536}}},
		{name: "unmapped", text: "", want: nil},
		{name: "two fields", text: "0 0\n", wantErr: true},
		{name: "not a number", text: "0 x 1\n", wantErr: true},
		{name: "overflow", text: "0 0 4294967296\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDMap(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestIDMapSummary(t *testing.T) {
	tests := []struct {
		in   []IDMapRange
		want string
	}{
		{nil, "empty"},
		{[]IDMapRange{{0, 0, 4294967295}}, "identity-full"},
		{[]IDMapRange{{0, 0, 65536}}, "root-is-host-root"},
		{[]IDMapRange{{1, 1, 10}, {0, 0, 1}}, "root-is-host-root"},
		{[]IDMapRange{{0, 100000, 65536}}, "mapped"},
		{[]IDMapRange{{0, 1000, 1}}, "mapped"},
	}
	for _, tt := range tests {
		if got := IDMapSummary(tt.in); got != tt.want {
			t.Errorf("IDMapSummary(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
