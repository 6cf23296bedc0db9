package matrix

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The report page in a real browser: headless Chromium loads the file,
// runs its script, and the test reads back the rendered DOM (--dump-dom)
// and a screenshot. Filters and the opened cell are set through the URL
// fragment, the way a user's link carries them.

// chromium finds the browser or skips with how to get it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (Debian/Ubuntu package chromium): the report page's browser test needs it")
	return ""
}

// headless runs the browser once on page with args, in a fresh profile,
// with nothing that reaches the network.
func headless(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, lastLines(stderr.String(), 10))
	}
	return stdout.Bytes()
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

func writePage(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "matrix.html")
	if err := os.WriteFile(p, []byte(reportPage(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func pageURL(path, fragment string) string {
	u := url.URL{Scheme: "file", Path: path, Fragment: fragment}
	return u.String()
}

// dom loads the page with fragment (unescaped: the URL escapes it) and parses what the browser rendered.
func dom(t *testing.T, bin, page, fragment string) *html.Node {
	t.Helper()
	out := headless(t, bin, "--dump-dom", pageURL(page, fragment))
	n, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("rendered DOM: %v", err)
	}
	if len(find(n, func(e *html.Node) bool { return e.Data == "body" && attr(e, "data-ready") == "1" })) != 1 {
		t.Fatalf("the page's script did not run to its end:\n%s", lastLines(string(out), 20))
	}
	return n
}

func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

func has(n *html.Node, k string) bool {
	for _, a := range n.Attr {
		if a.Key == k {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func cells(n *html.Node) []*html.Node {
	return find(n, func(e *html.Node) bool { return e.Data == "td" && strings.HasPrefix(attr(e, "class"), "cell ") })
}

func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	page := writePage(t)

	t.Run("whole page", func(t *testing.T) {
		n := dom(t, bin, page, "")
		v := find(n, func(e *html.Node) bool { return attr(e, "id") == "verdict" })
		if len(v) != 1 || attr(v[0], "class") != "bad" || !strings.HasPrefix(text(v[0]), "little-container: 1 FAIL, 1 ERROR of 5 checks") {
			t.Fatalf("verdict on top: %d elements", len(v))
		}
		cs := cells(n)
		if len(cs) != 50 {
			t.Fatalf("%d cells rendered, want 50", len(cs))
		}
		for _, c := range cs {
			if has(c, "hidden") {
				t.Fatalf("cell %s hidden with no filter", attr(c, "data-key"))
			}
			if len(find(c, func(e *html.Node) bool { return e.Data == "details" })) != 1 {
				t.Fatalf("cell %s does not open to its evidence", attr(c, "data-key"))
			}
		}
		if ext := find(n, func(e *html.Node) bool { return has(e, "src") || e.Data == "link" || e.Data == "img" }); len(ext) > 0 {
			t.Fatalf("the rendered page loads %d external things", len(ext))
		}
	})

	t.Run("filters", func(t *testing.T) {
		n := dom(t, bin, page, "area=ns&target=runc,podman")
		var shown []string
		for _, c := range cells(n) {
			row := c.Parent
			if !has(c, "hidden") && !has(row, "hidden") {
				shown = append(shown, attr(row, "data-area")+"/"+attr(c, "data-key"))
			}
		}
		want := "ns/pid ns@runc ns/pid ns@podman ns/user ns (--rootless)@runc ns/user ns (--rootless)@podman"
		if strings.Join(shown, " ") != want {
			t.Errorf("visible cells %q, want %q", strings.Join(shown, " "), want)
		}
		n = dom(t, bin, page, "bad=1&target=little-container")
		var rows []string
		for _, r := range find(n, func(e *html.Node) bool { return e.Data == "tr" && attr(e, "class") == "check" }) {
			if !has(r, "hidden") {
				rows = append(rows, attr(r, "data-row"))
			}
		}
		if got := strings.Join(rows, ","); got != "setns-inherited-fd,user ns (--rootless)" {
			t.Errorf("bad-only rows of little-container: %q", got)
		}
	})

	t.Run("open cell", func(t *testing.T) {
		n := dom(t, bin, page, "open=pid ns@little-container")
		for _, c := range cells(n) {
			d := find(c, func(e *html.Node) bool { return e.Data == "details" })[0]
			if open := has(d, "open"); open != (attr(c, "data-key") == "pid ns@little-container") {
				t.Errorf("cell %s open=%v", attr(c, "data-key"), open)
			}
		}
		d := find(n, func(e *html.Node) bool { return attr(e, "data-key") == "pid ns@little-container" })[0]
		if ev := text(d); !strings.Contains(ev, "argv: /usr/bin/x run <script>alert(1)</script>") || !strings.Contains(ev, "control failed as expected") {
			t.Errorf("opened cell's evidence: %q", ev)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "matrix.png")
		headless(t, bin, "--screenshot="+shot, "--window-size=1280,1000", "--hide-scrollbars",
			pageURL(page, "open=pid ns@runc"))
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 1000 {
			t.Fatalf("screenshot is %v, want 1280x1000", b)
		}
		// The page's own colours, counted in pixels: cells of every kind, the
		// red verdict bar, the opened evidence box.
		colours := map[string]color.RGBA{
			"good cell": {0xc8, 0xe6, 0xc9, 0xff}, "bad cell": {0xff, 0xcd, 0xd2, 0xff},
			"error cell": {0xff, 0xe0, 0x82, 0xff}, "skipped cell": {0xee, 0xee, 0xee, 0xff},
			"verdict bar": {0xc6, 0x28, 0x28, 0xff}, "evidence box": {0xff, 0xfd, 0xe7, 0xff},
		}
		counts := count(img, colours)
		for name, n := range counts {
			if n < 500 {
				t.Errorf("%s: %d pixels of its colour in the screenshot, want at least 500 (%v)", name, n, counts)
			}
		}
	})
}

// count tallies the pixels of img that are exactly each colour.
func count(img image.Image, colours map[string]color.RGBA) map[string]int {
	out := map[string]int{}
	for k := range colours {
		out[k] = 0
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			for k, c := range colours {
				if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B {
					out[k]++
				}
			}
		}
	}
	return out
}
