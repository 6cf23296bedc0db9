package matrix

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// reportPage renders the ten-column sample as the report page.
func reportPage(t *testing.T) string {
	t.Helper()
	cells := ten()
	cells[0].Evidence = []string{"argv: /usr/bin/x run <script>alert(1)</script>", "exit: 0"}
	m := Build(cells)
	m.Meta = &Meta{Date: "2026-12-01T10:00:00Z", OS: "Debian GNU/Linux 12 (bookworm)", Kernel: "6.18.0", Cgroup: "hybrid", CPUs: 2}
	m.Suites = []SuiteRun{{Name: "ns", Specs: 10, Passed: 10, Seconds: 2}}
	var b bytes.Buffer
	if err := m.HTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLSelfContained(t *testing.T) {
	page := reportPage(t)
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)https?://`), regexp.MustCompile(`(?i)<link\b`), regexp.MustCompile(`(?i)\bsrc\s*=`),
		regexp.MustCompile(`(?i)@import`), regexp.MustCompile(`(?i)url\(`),
	} {
		if loc := bad.FindStringIndex(page); loc != nil {
			t.Errorf("page refers outside itself (%s): …%s…", bad, page[max(0, loc[0]-40):min(len(page), loc[1]+40)])
		}
	}
}

func TestHTMLContent(t *testing.T) {
	page := reportPage(t)
	for _, want := range []string{
		`<div id="verdict" class="bad">little-container: 1 FAIL, 1 ERROR of 5 checks`,
		`measured 2026-12-01 on Debian GNU/Linux 12 (bookworm), kernel 6.18.0`,
		`<input type="checkbox" name="area" value="security" checked>`,
		`<input type="checkbox" name="target" value="podman" checked>`,
		`<th data-target="little-container" class="strict" title="gates the run">little-container</th>`,
		`data-key="pid ns@runc"`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<ul id="bad">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Error("evidence is not escaped")
	}
	if n := strings.Count(page, `<td class="cell `); n != 5*10 {
		t.Errorf("%d cells, want 50", n)
	}
}
