package cgroups

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// thisHost is the hybrid layout of the development machines.
func thisHost(mode Mode) hostFacts {
	return hostFacts{
		Mode: mode,
		Own: ownCgroups{v1: map[string]string{
			"pids": "/", "memory": "/process_api/35d1", "cpu": "/", "cpuacct": "/", "name=systemd": "/",
		}, unified: "/", hasUnified: true},
		V1: map[string]v1Mount{
			"pids":    {"/sys/fs/cgroup/pids", "/"},
			"memory":  {"/sys/fs/cgroup/memory", "/"},
			"cpu":     {"/sys/fs/cgroup/cpu", "/"},
			"cpuacct": {"/sys/fs/cgroup/cpuacct", "/"},
		},
		V2Root: "/sys/fs/cgroup",
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"plain id", Config{ID: "abc-1_2.x"}, true},
		{"empty id", Config{ID: ""}, false},
		{"slash", Config{ID: "a/b"}, false},
		{"dot", Config{ID: "."}, false},
		{"dotdot", Config{ID: ".."}, false},
		{"space", Config{ID: "a b"}, false},
		{"too long", Config{ID: strings.Repeat("a", 201)}, false},
		{"negative pids", Config{ID: "a", Resources: Resources{PidsMax: -1}}, false},
		{"negative memory", Config{ID: "a", Resources: Resources{MemoryMax: -1}}, false},
		{"negative quota", Config{ID: "a", Resources: Resources{CPUQuota: -1}}, false},
		{"negative period", Config{ID: "a", Resources: Resources{CPUPeriod: -1}}, false},
		{"parent", Config{ID: "a", Parent: "x/y"}, true},
		{"parent with leading slash", Config{ID: "a", Parent: "/x"}, true},
		{"parent escaping", Config{ID: "a", Parent: "../x"}, false},
		{"parent unclean", Config{ID: "a", Parent: "x/../../y"}, false},
		{"parent root", Config{ID: "a", Parent: "/"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.validate()
			if (err == nil) != tt.ok {
				t.Fatalf("validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("error %v is not ErrInvalidConfig", err)
			}
		})
	}
}

func TestPlanV1(t *testing.T) {
	coMounted := thisHost(ModeV1)
	coMounted.V1["cpu"] = v1Mount{"/sys/fs/cgroup/cpu,cpuacct", "/"}
	coMounted.Own.v1["cpu"] = "/user.slice"
	noCPU := thisHost(ModeV1)
	delete(noCPU.V1, "cpu")
	noMemory := thisHost(ModeV1)
	delete(noMemory.V1, "memory")
	pidsAndMemory := thisHost(ModeV1)
	pidsAndMemory.V1["pids"] = v1Mount{"/sys/fs/cgroup/pm", "/"}
	pidsAndMemory.V1["memory"] = v1Mount{"/sys/fs/cgroup/pm", "/"}
	pidsAndMemory.Own.v1["pids"], pidsAndMemory.Own.v1["memory"] = "/x", "/x"
	inContainer := thisHost(ModeV1)
	inContainer.V1["memory"] = v1Mount{"/sys/fs/cgroup/memory", "/docker/abc"}
	inContainer.Own.v1["memory"] = "/docker/abc"
	outside := thisHost(ModeV1)
	outside.V1["memory"] = v1Mount{"/sys/fs/cgroup/memory", "/docker/abc"}

	tests := []struct {
		name    string
		facts   hostFacts
		cfg     Config
		want    placement
		wantErr error
	}{
		{
			name: "no limits still creates pids and memory", facts: thisHost(ModeHybrid), cfg: Config{ID: "c1"},
			want: placement{
				Mode:    ModeHybrid,
				Paths:   map[string]string{"pids": "/sys/fs/cgroup/pids/little-container/c1", "memory": "/sys/fs/cgroup/memory/process_api/35d1/little-container/c1"},
				Parents: []string{"/sys/fs/cgroup/pids/little-container", "/sys/fs/cgroup/memory/process_api/35d1/little-container"},
				Leaves:  []string{"/sys/fs/cgroup/pids/little-container/c1", "/sys/fs/cgroup/memory/process_api/35d1/little-container/c1"},
			},
		},
		{
			name: "all limits, cpu co-mounted with cpuacct", facts: coMounted,
			cfg: Config{ID: "c2", Resources: Resources{PidsMax: 5, MemoryMax: 1 << 20, CPUQuota: 1000}},
			want: placement{
				Mode: ModeV1,
				Paths: map[string]string{
					"pids":   "/sys/fs/cgroup/pids/little-container/c2",
					"memory": "/sys/fs/cgroup/memory/process_api/35d1/little-container/c2",
					"cpu":    "/sys/fs/cgroup/cpu,cpuacct/user.slice/little-container/c2",
				},
				Parents: []string{"/sys/fs/cgroup/pids/little-container", "/sys/fs/cgroup/memory/process_api/35d1/little-container", "/sys/fs/cgroup/cpu,cpuacct/user.slice/little-container"},
				Leaves:  []string{"/sys/fs/cgroup/pids/little-container/c2", "/sys/fs/cgroup/memory/process_api/35d1/little-container/c2", "/sys/fs/cgroup/cpu,cpuacct/user.slice/little-container/c2"},
			},
		},
		{
			name: "pids and memory in one hierarchy share a directory", facts: pidsAndMemory, cfg: Config{ID: "c3"},
			want: placement{
				Mode:    ModeV1,
				Paths:   map[string]string{"pids": "/sys/fs/cgroup/pm/x/little-container/c3", "memory": "/sys/fs/cgroup/pm/x/little-container/c3"},
				Parents: []string{"/sys/fs/cgroup/pm/x/little-container"},
				Leaves:  []string{"/sys/fs/cgroup/pm/x/little-container/c3"},
			},
		},
		{
			name: "explicit parent", facts: thisHost(ModeV1), cfg: Config{ID: "c4", Parent: "/ci/job"},
			want: placement{
				Mode:    ModeV1,
				Paths:   map[string]string{"pids": "/sys/fs/cgroup/pids/ci/job/c4", "memory": "/sys/fs/cgroup/memory/ci/job/c4"},
				Parents: []string{"/sys/fs/cgroup/pids/ci", "/sys/fs/cgroup/pids/ci/job", "/sys/fs/cgroup/memory/ci", "/sys/fs/cgroup/memory/ci/job"},
				Leaves:  []string{"/sys/fs/cgroup/pids/ci/job/c4", "/sys/fs/cgroup/memory/ci/job/c4"},
			},
		},
		{
			name: "sub-tree mount inside a container", facts: inContainer, cfg: Config{ID: "c5", Resources: Resources{MemoryMax: 4096}},
			want: placement{
				Mode:    ModeV1,
				Paths:   map[string]string{"pids": "/sys/fs/cgroup/pids/little-container/c5", "memory": "/sys/fs/cgroup/memory/little-container/c5"},
				Parents: []string{"/sys/fs/cgroup/pids/little-container", "/sys/fs/cgroup/memory/little-container"},
				Leaves:  []string{"/sys/fs/cgroup/pids/little-container/c5", "/sys/fs/cgroup/memory/little-container/c5"},
			},
		},
		{
			name: "memory missing without a memory limit is fine", facts: noMemory, cfg: Config{ID: "c6", Resources: Resources{PidsMax: 3}},
			want: placement{
				Mode:    ModeV1,
				Paths:   map[string]string{"pids": "/sys/fs/cgroup/pids/little-container/c6"},
				Parents: []string{"/sys/fs/cgroup/pids/little-container"},
				Leaves:  []string{"/sys/fs/cgroup/pids/little-container/c6"},
			},
		},
		{name: "memory limit without memory hierarchy", facts: noMemory, cfg: Config{ID: "c", Resources: Resources{MemoryMax: 4096}}, wantErr: ErrControllerUnavailable},
		{name: "cpu quota without cpu hierarchy", facts: noCPU, cfg: Config{ID: "c", Resources: Resources{CPUQuota: 1000}}, wantErr: ErrControllerUnavailable},
		{name: "own cgroup outside the mounted part", facts: outside, cfg: Config{ID: "c"}, wantErr: nil /* checked below */},
		{name: "rootless v1 with limits", facts: thisHost(ModeV1), cfg: Config{ID: "c", Rootless: true, Resources: Resources{PidsMax: 1}}, wantErr: ErrRootlessV1},
		{name: "rootless hybrid with limits", facts: thisHost(ModeHybrid), cfg: Config{ID: "c", Rootless: true, Resources: Resources{CPUQuota: 1000}}, wantErr: ErrRootlessV1},
		{name: "rootless hybrid without limits", facts: thisHost(ModeHybrid), cfg: Config{ID: "c", Rootless: true}, wantErr: ErrNoCgroup},
		{name: "no cgroup fs without limits", facts: hostFacts{Mode: ModeNone}, cfg: Config{ID: "c"}, wantErr: ErrNoCgroup},
		{name: "no cgroup fs with limits", facts: hostFacts{Mode: ModeNone}, cfg: Config{ID: "c", Resources: Resources{MemoryMax: 1}}, wantErr: ErrControllerUnavailable},
		{name: "invalid id", facts: thisHost(ModeV1), cfg: Config{ID: "../x"}, wantErr: ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan(tt.cfg, tt.facts)
			if tt.name == "own cgroup outside the mounted part" {
				if err == nil || !strings.Contains(err.Error(), "outside") {
					t.Fatalf("err = %v, want an 'outside' error", err)
				}
				return
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPlanRootlessV1Message(t *testing.T) {
	_, err := plan(Config{ID: "c", Rootless: true, Resources: Resources{MemoryMax: 1 << 20}}, thisHost(ModeHybrid))
	const want = "cgroup limits in rootless mode need a delegated cgroup v2 subtree (this host uses cgroup v1)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestPlanMissingControllerNamesFile(t *testing.T) {
	f := thisHost(ModeV1)
	delete(f.V1, "cpu")
	_, err := plan(Config{ID: "c", Resources: Resources{CPUQuota: 1000}}, f)
	if err == nil || !strings.Contains(err.Error(), "cpu.cfs_quota_us") {
		t.Errorf("err = %v, want it to name cpu.cfs_quota_us", err)
	}
}

func v2Host(controllers ...string) hostFacts {
	return hostFacts{Mode: ModeUnified, V2Root: "/sys/fs/cgroup", V2Controllers: controllers,
		Own: ownCgroups{v1: map[string]string{}, unified: "/user.slice/user-0.slice/session-1.scope", hasUnified: true}}
}

func TestPlanV2Root(t *testing.T) {
	atRoot := v2Host("cpuset", "cpu", "io", "memory", "pids")
	atRoot.Own.unified = "/"
	tests := []struct {
		name    string
		facts   hostFacts
		cfg     Config
		want    placement
		wantErr error
		errHas  string
	}{
		{
			name: "no limits enables pids and memory", facts: v2Host("cpuset", "cpu", "io", "memory", "pids"), cfg: Config{ID: "c1"},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": "/sys/fs/cgroup/little-container/c1"},
				Parents: []string{"/sys/fs/cgroup/little-container"}, Leaves: []string{"/sys/fs/cgroup/little-container/c1"},
				Enable: []enableStep{{"/sys/fs/cgroup", []string{"pids", "memory"}}, {"/sys/fs/cgroup/little-container", []string{"pids", "memory"}}},
			},
		},
		{
			name: "caller in the root cgroup (VM init)", facts: atRoot, cfg: Config{ID: "c2", Resources: Resources{PidsMax: 10, MemoryMax: 1 << 20, CPUQuota: 1000}},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": "/sys/fs/cgroup/little-container/c2"},
				Parents: []string{"/sys/fs/cgroup/little-container"}, Leaves: []string{"/sys/fs/cgroup/little-container/c2"},
				Enable: []enableStep{{"/sys/fs/cgroup", []string{"pids", "memory", "cpu"}}, {"/sys/fs/cgroup/little-container", []string{"pids", "memory", "cpu"}}},
			},
		},
		{
			name: "optional controllers only when available", facts: v2Host("cpu", "pids"), cfg: Config{ID: "c3"},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": "/sys/fs/cgroup/little-container/c3"},
				Parents: []string{"/sys/fs/cgroup/little-container"}, Leaves: []string{"/sys/fs/cgroup/little-container/c3"},
				Enable: []enableStep{{"/sys/fs/cgroup", []string{"pids"}}, {"/sys/fs/cgroup/little-container", []string{"pids"}}},
			},
		},
		{
			name: "no controllers at all, nothing to enable", facts: v2Host(), cfg: Config{ID: "c4"},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": "/sys/fs/cgroup/little-container/c4"},
				Parents: []string{"/sys/fs/cgroup/little-container"}, Leaves: []string{"/sys/fs/cgroup/little-container/c4"},
			},
		},
		{
			name: "explicit nested parent enables every level", facts: v2Host("memory", "pids"), cfg: Config{ID: "c5", Parent: "ci/job"},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": "/sys/fs/cgroup/ci/job/c5"},
				Parents: []string{"/sys/fs/cgroup/ci", "/sys/fs/cgroup/ci/job"}, Leaves: []string{"/sys/fs/cgroup/ci/job/c5"},
				Enable: []enableStep{{"/sys/fs/cgroup", []string{"pids", "memory"}}, {"/sys/fs/cgroup/ci", []string{"pids", "memory"}}, {"/sys/fs/cgroup/ci/job", []string{"pids", "memory"}}},
			},
		},
		{name: "memory limit, memory unavailable", facts: v2Host("cpu", "pids"), cfg: Config{ID: "c", Resources: Resources{MemoryMax: 1}}, wantErr: ErrControllerUnavailable, errHas: "memory.max"},
		{name: "cpu quota, cpu unavailable", facts: v2Host("memory", "pids"), cfg: Config{ID: "c", Resources: Resources{CPUQuota: 1000}}, wantErr: ErrControllerUnavailable, errHas: "cpu.max"},
		{name: "pids limit, pids unavailable", facts: v2Host("memory"), cfg: Config{ID: "c", Resources: Resources{PidsMax: 1}}, wantErr: ErrControllerUnavailable, errHas: "/sys/fs/cgroup/cgroup.controllers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan(tt.cfg, tt.facts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPlanV2Rootless(t *testing.T) {
	const (
		scope = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope"
		app   = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice"
		user  = "/sys/fs/cgroup/user.slice/user-1000.slice"
	)
	all := []string{"cpu", "io", "memory", "pids"}
	ownLeaf := cgroupFacts{Dir: scope, Delegated: true, HasProcs: true, Controllers: all}
	ownEmpty := cgroupFacts{Dir: scope, Delegated: true, Controllers: all}
	appFree := cgroupFacts{Dir: app, Delegated: true, Controllers: all, SubtreeControl: []string{"memory", "pids"}}
	notMine := cgroupFacts{Dir: user}
	limits := Resources{PidsMax: 10, MemoryMax: 1 << 20}
	rootless := func(facts ...cgroupFacts) hostFacts {
		return hostFacts{Mode: ModeUnified, V2Root: "/sys/fs/cgroup", Ancestors: facts}
	}
	tests := []struct {
		name    string
		facts   hostFacts
		cfg     Config
		want    placement
		wantErr error
		errHas  []string
	}{
		{
			name: "own leaf holds processes: use the delegated parent", facts: rootless(ownLeaf, appFree, notMine),
			cfg: Config{ID: "c1", Rootless: true, Resources: limits},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": app + "/little-container-c1"}, Leaves: []string{app + "/little-container-c1"},
				Enable: []enableStep{{app, []string{"pids", "memory"}}},
			},
		},
		{
			name: "own delegated cgroup without processes is used directly", facts: rootless(ownEmpty, notMine),
			cfg: Config{ID: "c2", Rootless: true, Resources: Resources{CPUQuota: 5000}},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": scope + "/little-container-c2"}, Leaves: []string{scope + "/little-container-c2"},
				Enable: []enableStep{{scope, []string{"pids", "memory", "cpu"}}},
			},
		},
		{
			name: "leaf with processes but controllers already enabled", facts: rootless(cgroupFacts{Dir: scope, Delegated: true, HasProcs: true, Controllers: all, SubtreeControl: []string{"pids", "memory"}}, notMine),
			cfg: Config{ID: "c3", Rootless: true, Resources: limits},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": scope + "/little-container-c3"}, Leaves: []string{scope + "/little-container-c3"},
				Enable: []enableStep{{scope, []string{"pids", "memory"}}},
			},
		},
		{
			name: "no limits in an occupied leaf: a plain child, nothing enabled", facts: rootless(ownLeaf, notMine),
			cfg:  Config{ID: "c4", Rootless: true},
			want: placement{Mode: ModeUnified, Paths: map[string]string{"": scope + "/little-container-c4"}, Leaves: []string{scope + "/little-container-c4"}},
		},
		{
			name: "explicit delegated parent", facts: rootless(cgroupFacts{Dir: "/sys/fs/cgroup/deleg", Delegated: true, Controllers: []string{"pids"}}),
			cfg: Config{ID: "c5", Rootless: true, Parent: "deleg", Resources: Resources{PidsMax: 4}},
			want: placement{
				Mode: ModeUnified, Paths: map[string]string{"": "/sys/fs/cgroup/deleg/little-container-c5"}, Leaves: []string{"/sys/fs/cgroup/deleg/little-container-c5"},
				Enable: []enableStep{{"/sys/fs/cgroup/deleg", []string{"pids"}}},
			},
		},
		{
			name: "only the occupied own leaf is delegated", facts: rootless(ownLeaf, notMine),
			cfg: Config{ID: "c", Rootless: true, Resources: limits}, wantErr: ErrNoDelegation,
			errHas: []string{scope + " holds processes", "pids memory", "pids.max", "memory.max"},
		},
		{
			name: "nothing delegated with limits", facts: rootless(cgroupFacts{Dir: scope}),
			cfg: Config{ID: "c", Rootless: true, Resources: limits}, wantErr: ErrNoDelegation,
			errHas: []string{scope + " is not owned by the caller or not writable"},
		},
		{
			name: "nothing delegated without limits", facts: rootless(cgroupFacts{Dir: scope}),
			cfg: Config{ID: "c", Rootless: true}, wantErr: ErrNoCgroup,
		},
		{
			name: "own cgroup unknown without limits", facts: rootless(),
			cfg: Config{ID: "c", Rootless: true}, wantErr: ErrNoCgroup,
		},
		{
			name: "own cgroup unknown with limits", facts: rootless(),
			cfg: Config{ID: "c", Rootless: true, Resources: limits}, wantErr: ErrNoDelegation,
		},
		{
			name: "cpu not delegated", facts: rootless(cgroupFacts{Dir: scope, Delegated: true, Controllers: []string{"memory", "pids"}}, notMine),
			cfg: Config{ID: "c", Rootless: true, Resources: Resources{CPUQuota: 1000}}, wantErr: ErrNoDelegation,
			errHas: []string{scope + "/cgroup.controllers lacks cpu"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan(tt.cfg, tt.facts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				for _, s := range tt.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("err %q does not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
