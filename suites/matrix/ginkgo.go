package matrix

import (
	"encoding/json"
	"fmt"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// Record attaches c to the running spec's report. The entry is printed only
// when the spec fails or the run is verbose; ReportAfterSuite collects it.
func Record(c Cell) {
	ginkgo.AddReportEntry(EntryName, c, ginkgo.ReportEntryVisibilityFailureOrVerbose)
}

// Skip records c as skipped with reason, then skips the spec, so that the
// skip is counted in the matrix rather than vanishing.
func Skip(c Cell, reason string) {
	c.Status, c.Reason = Skipped, reason
	Record(c)
	ginkgo.Skip(reason)
}

// Settle records c, the check's verdict, and decides the spec by it. A
// bad cell of a strict target (ours) fails the spec: it is a failure of
// this project. A bad cell of another target is a finding about that
// runtime: the matrix shows it with its evidence, and the spec passes, so
// Ginkgo's own verdict speaks only of what gates the run.
func Settle(c Cell) {
	ginkgo.GinkgoHelper()
	Record(c)
	if !c.Bad() || !IsStrict(c.Target) {
		return
	}
	if c.Control {
		ginkgo.Fail("negative control did not fail as it must:\n" + c.String())
	}
	ginkgo.Fail("isolation check failed:\n" + c.String())
}

// Abort records c as an ERROR with reason and ends the spec: a strict
// target's spec fails; another target's is skipped with the reason, the
// ERROR cell staying in the matrix as a finding about that runtime.
func Abort(c Cell, reason string) {
	ginkgo.GinkgoHelper()
	c.Status, c.Reason = Error, reason
	Record(c)
	if IsStrict(c.Target) {
		ginkgo.Fail(reason)
	}
	ginkgo.Skip(fmt.Sprintf("ERROR on %s, recorded in the matrix as a finding: %s", c.Target, reason))
}

// FromReport collects the cells of a (possibly aggregated, parallel) suite
// report. A spec that failed without recording a cell becomes an ERROR cell;
// a spec that failed after recording a passing cell turns that cell into an
// ERROR, so a broken assertion can never show as a pass.
func FromReport(r types.Report) []Cell {
	var out []Cell
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		var cells []Cell
		for _, e := range sr.ReportEntries {
			if e.Name != EntryName {
				continue
			}
			c, err := entryCell(e)
			if err != nil {
				c = Cell{Check: sr.FullText(), Target: Unknown, Status: Error, Reason: fmt.Sprintf("undecodable entry: %v", err)}
			}
			cells = append(cells, c)
		}
		failed := sr.State.Is(types.SpecStateFailureStates)
		if len(cells) == 0 && failed {
			cells = append(cells, Cell{Check: sr.FullText(), Target: Unknown, Status: Error, Reason: sr.Failure.Message})
		}
		for i := range cells {
			if failed && !cells[i].Bad() && cells[i].Status != Skipped {
				cells[i].Evidence = append(cells[i].Evidence, "spec failed: "+sr.Failure.Message)
				cells[i].Status, cells[i].Reason = Error, "spec failed after recording "+string(cells[i].Status)
			}
		}
		out = append(out, cells...)
	}
	return out
}

// entryCell decodes an entry: from its JSON when it crossed a process
// boundary, from the raw value when it was recorded on this process.
func entryCell(e types.ReportEntry) (Cell, error) {
	if c, ok := e.Value.GetRawValue().(Cell); ok {
		return c, nil
	}
	var c Cell
	err := json.Unmarshal([]byte(e.Value.AsJSON), &c)
	return c, err
}
