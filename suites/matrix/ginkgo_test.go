package matrix

import (
	"encoding/json"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// entry round-trips a cell through JSON as an aggregated parallel report
// does, where only AsJSON survives.
func entry(t *testing.T, c Cell) types.ReportEntry {
	b, err := json.Marshal(types.ReportEntry{Name: EntryName, Value: types.WrapEntryValue(c)})
	if err != nil {
		t.Fatal(err)
	}
	var e types.ReportEntry
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestFromReport(t *testing.T) {
	pass := Cell{Area: "ns", Check: "pid ns", Target: "lc", Status: Pass}
	r := types.Report{SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePassed, ReportEntries: types.ReportEntries{entry(t, pass)}},
		{LeafNodeType: types.NodeTypeIt, State: types.SpecStateFailed, LeafNodeText: "broken",
			Failure: types.Failure{Message: "boom"}},
		{LeafNodeType: types.NodeTypeIt, State: types.SpecStateFailed, Failure: types.Failure{Message: "assert"},
			ReportEntries: types.ReportEntries{entry(t, Cell{Area: "ns", Check: "net ns", Target: "lc", Status: Pass})}},
		{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePassed, LeafNodeText: "plain spec without a cell"},
		{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed},
	}}
	cells := FromReport(r)
	if len(cells) != 3 {
		t.Fatalf("cells = %+v, want 3", cells)
	}
	if cells[0].Status != Pass || cells[0].Check != "pid ns" {
		t.Errorf("cell 0 = %+v", cells[0])
	}
	if cells[1].Status != Error || cells[1].Reason != "boom" {
		t.Errorf("failed spec without cell = %+v, want ERROR boom", cells[1])
	}
	if cells[2].Status != Error {
		t.Errorf("failed spec with passing cell = %+v, want ERROR", cells[2])
	}
}
