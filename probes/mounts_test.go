package probes

import (
	"reflect"
	"testing"
)

func TestParseMountInfoLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    MountInfo
		wantErr bool
	}{
		{
			name: "proc(5) example with optional field",
			line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
			want: MountInfo{ID: 36, Parent: 35, Major: 98, Minor: 0, Root: "/mnt1", MountPoint: "/mnt2",
				Options: "rw,noatime", Optional: []string{"master:1"}, FSType: "ext3", Source: "/dev/root",
				SuperOptions: "rw,errors=continue"},
		},
		{
			name: "no optional fields",
			line: "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard",
			want: MountInfo{ID: 27, Parent: 1, Major: 254, Minor: 0, Root: "/", MountPoint: "/",
				Options: "rw,relatime", FSType: "ext4", Source: "/dev/vda", SuperOptions: "rw,discard"},
		},
		{
			name: "two optional fields",
			line: "40 27 0:50 / /tmp rw shared:5 master:2 - tmpfs tmpfs rw",
			want: MountInfo{ID: 40, Parent: 27, Major: 0, Minor: 50, Root: "/", MountPoint: "/tmp",
				Options: "rw", Optional: []string{"shared:5", "master:2"}, FSType: "tmpfs", Source: "tmpfs",
				SuperOptions: "rw"},
		},
		{
			name: "escaped space, tab, backslash and newline",
			line: `50 27 8:1 /a\040b /mnt/x\011y\134z\012 rw - ext4 /dev/sd\040a rw`,
			want: MountInfo{ID: 50, Parent: 27, Major: 8, Minor: 1, Root: "/a b", MountPoint: "/mnt/x\ty\\z\n",
				Options: "rw", FSType: "ext4", Source: "/dev/sd a", SuperOptions: "rw"},
		},
		{
			name: "bind mount of a subtree, the container rootfs case",
			line: "600 599 254:0 /tmp/rootfs / rw - ext4 /dev/vda rw",
			want: MountInfo{ID: 600, Parent: 599, Major: 254, Minor: 0, Root: "/tmp/rootfs", MountPoint: "/",
				Options: "rw", FSType: "ext4", Source: "/dev/vda", SuperOptions: "rw"},
		},
		{
			name: "no super options",
			line: "1 0 0:1 / / rw - rootfs rootfs",
			want: MountInfo{ID: 1, Parent: 0, Major: 0, Minor: 1, Root: "/", MountPoint: "/",
				Options: "rw", FSType: "rootfs", Source: "rootfs"},
		},
		{name: "short", line: "36 35 98:0 /mnt1", wantErr: true},
		{name: "no separator", line: "36 35 98:0 /mnt1 /mnt2 rw ext3 /dev/root rw", wantErr: true},
		{name: "nothing after separator", line: "36 35 98:0 / / rw - ext3", wantErr: true},
		{name: "bad id", line: "x 35 98:0 / / rw - ext3 /dev/root rw", wantErr: true},
		{name: "bad parent", line: "36 y 98:0 / / rw - ext3 /dev/root rw", wantErr: true},
		{name: "device without colon", line: "36 35 980 / / rw - ext3 /dev/root rw", wantErr: true},
		{name: "device not numeric", line: "36 35 a:b / / rw - ext3 /dev/root rw", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMountInfoLine(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestUnescapeOctal(t *testing.T) {
	tests := map[string]string{
		``:          ``,
		`/plain`:    `/plain`,
		`\040`:      ` `,
		`a\04`:      `a\04`, // too short to be an escape
		`a\089`:     `a\089`,
		`\134\134`:  `\\`,
		`end\`:      `end\`,
		`\101\102x`: `ABx`,
	}
	for in, want := range tests {
		if got := unescapeOctal(in); got != want {
			t.Errorf("unescapeOctal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMountInfo(t *testing.T) {
	text := "22 27 0:21 / /proc rw - proc proc rw\n\n27 1 254:0 / / rw - ext4 /dev/vda rw\n"
	got, err := ParseMountInfo(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].MountPoint != "/proc" || got[1].MajorMinor() != "254:0" {
		t.Fatalf("got %+v", got)
	}
	if _, err := ParseMountInfo("22 27 0:21 / /proc rw - proc proc rw\ngarbage\n"); err == nil {
		t.Fatal("malformed second line accepted")
	}
}

func TestFindWholeFilesystem(t *testing.T) {
	mounts, err := ParseMountInfo(`600 599 254:0 /tmp/rootfs / rw - ext4 /dev/vda rw
601 600 0:21 / /proc rw - proc proc rw
602 600 254:0 / /.oldroot rw - ext4 /dev/vda rw
603 600 254:1 / /data rw - ext4 /dev/vdb rw
`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mm   string
		want []string
	}{
		{"254:0", []string{"/.oldroot"}}, // the rootfs bind (root /tmp/rootfs) does not count
		{"254:1", []string{"/data"}},
		{"8:0", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range FindWholeFilesystem(mounts, tt.mm) {
			got = append(got, m.MountPoint)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindWholeFilesystem(%q) = %v, want %v", tt.mm, got, tt.want)
		}
	}
}
