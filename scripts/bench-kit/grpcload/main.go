// grpcload: the benches' gRPC load generator, on grpc-go (google.golang.org/grpc), so that the load is not
// made by a Node client that saturates before the servers under test do, and every answer is checked as
// gRPC OK (h2load cannot read grpc-status).
//
// It is a long-lived process driven by the bench over stdin/stdout, one JSON object per line each way. A
// cell asks it to keep `concurrency` calls of one method in flight against one target for `durationMs`
// (after `warmMs` unmeasured), sending the same pre-serialised request bytes every time; it answers with
// the cell's figures: calls, errors by gRPC code (the first error's text), throughput, latency percentiles,
// and its own CPU per call. Requests and answers travel as bytes (a pass-through codec): the bench builds
// them with protobuf-es and decodes the `sample` answer it gets back, so this program needs no stubs.
//
//	{"id":1,"target":"127.0.0.1:50051","method":"/flyteidl.service.AsyncAgentService/GetTask",
//	 "request":"<base64>","concurrency":32,"durationMs":700,"warmMs":150,"timeoutMs":10000}
//	→ {"id":1,"calls":12345,"errors":0,"throughput":17635.7,"p50Ms":1.7,…,"sample":"<base64>"}
//
// "stream":"server" makes each call a server-streaming call read to its end: `units` counts the messages
// and firstEventP50Ms/firstEventP99Ms time the first one. Calls to one target share one connection (one
// HTTP/2 connection, as FlytePropeller and the workspace keep), unless "connections" asks for more.
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/status"
)

// rawCodec passes message bytes through unchanged.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec: cannot marshal %T", v)
	}
	return *b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec: cannot unmarshal into %T", v)
	}
	*b = append((*b)[:0], data...)
	return nil
}

func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

type cellSpec struct {
	ID          int    `json:"id"`
	Target      string `json:"target"`
	Method      string `json:"method"`
	Request     string `json:"request"`
	Stream      string `json:"stream"`
	Concurrency int    `json:"concurrency"`
	DurationMs  int    `json:"durationMs"`
	WarmMs      int    `json:"warmMs"`
	MaxCalls    int    `json:"maxCalls"`
	TimeoutMs   int    `json:"timeoutMs"`
	Connections int    `json:"connections"`
}

type cellResult struct {
	ID                 int            `json:"id"`
	Calls              int64          `json:"calls"`
	Units              *int64         `json:"units,omitempty"`
	Errors             int64          `json:"errors"`
	ErrorsByCode       map[string]int `json:"errorsByCode,omitempty"`
	FirstError         string         `json:"firstError,omitempty"`
	ElapsedMs          float64        `json:"elapsedMs"`
	Throughput         float64        `json:"throughput"`
	UnitsPerSec        *float64       `json:"unitsPerSec,omitempty"`
	P50Ms              float64        `json:"p50Ms"`
	P90Ms              float64        `json:"p90Ms"`
	P99Ms              float64        `json:"p99Ms"`
	MaxMs              float64        `json:"maxMs"`
	FirstEventP50Ms    *float64       `json:"firstEventP50Ms,omitempty"`
	FirstEventP99Ms    *float64       `json:"firstEventP99Ms,omitempty"`
	ClientCpuUsPerCall float64        `json:"clientCpuUsPerCall"`
	ClientCpuUtil      float64        `json:"clientCpuUtil"`
	Sample             string         `json:"sample,omitempty"`
	Error              string         `json:"error,omitempty"`
}

type pool struct {
	conns []*grpc.ClientConn
	next  atomic.Uint64
}

func (p *pool) pick() *grpc.ClientConn {
	return p.conns[int(p.next.Add(1))%len(p.conns)]
}

var pools = map[string]*pool{}

func poolFor(target string, n int) (*pool, error) {
	if n < 1 {
		n = 1
	}
	key := fmt.Sprintf("%s#%d", target, n)
	if p, ok := pools[key]; ok {
		return p, nil
	}
	p := &pool{}
	for i := 0; i < n; i++ {
		// WithDefaultCallOptions(ForceCodec): every call's messages are the bench's bytes.
		cc, err := grpc.NewClient(target,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.MaxCallRecvMsgSize(64<<20)),
		)
		if err != nil {
			return nil, err
		}
		p.conns = append(p.conns, cc)
	}
	pools[key] = p
	return p, nil
}

func cpuMicros() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec)*1e6 + float64(ru.Utime.Usec+ru.Stime.Usec)
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return sorted[i]
}

// call makes one call and returns how many messages it read and when the first came.
func call(ctx context.Context, cc *grpc.ClientConn, spec *cellSpec, req []byte, out *[]byte) (units int64, first time.Duration, err error) {
	start := time.Now()
	if spec.Stream != "server" {
		err = cc.Invoke(ctx, spec.Method, &req, out)
		if err == nil && len(*out) == 0 && spec.Stream != "allow-empty" {
			err = status.Error(codes.Unknown, "grpcload: the answer is an empty message")
		}
		return 1, time.Since(start), err
	}
	desc := &grpc.StreamDesc{ServerStreams: true}
	stream, err := cc.NewStream(ctx, desc, spec.Method)
	if err != nil {
		return 0, 0, err
	}
	if err = stream.SendMsg(&req); err != nil {
		return 0, 0, err
	}
	if err = stream.CloseSend(); err != nil {
		return 0, 0, err
	}
	for {
		var msg []byte
		err = stream.RecvMsg(&msg)
		if errors.Is(err, io.EOF) {
			return units, first, nil
		}
		if err != nil {
			return units, first, err
		}
		if units == 0 {
			first = time.Since(start)
		}
		units++
		*out = msg
	}
}

func run(spec *cellSpec) cellResult {
	res := cellResult{ID: spec.ID}
	req, err := base64.StdEncoding.DecodeString(spec.Request)
	if err != nil {
		res.Error = "request is not base64: " + err.Error()
		return res
	}
	if spec.Concurrency < 1 || spec.DurationMs < 1 || spec.Method == "" || spec.Target == "" {
		res.Error = "a cell needs target, method, concurrency >= 1 and durationMs >= 1"
		return res
	}
	if spec.MaxCalls <= 0 {
		spec.MaxCalls = 1 << 30
	}
	if spec.TimeoutMs <= 0 {
		spec.TimeoutMs = 10_000
	}
	p, err := poolFor(spec.Target, spec.Connections)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	timeout := time.Duration(spec.TimeoutMs) * time.Millisecond
	phase := func(duration time.Duration, measure bool) (lat, firsts []float64, units, errs int64, byCode map[string]int, firstErr string, sample []byte, elapsed time.Duration) {
		var mu sync.Mutex
		byCode = map[string]int{}
		var started atomic.Int64
		var wg sync.WaitGroup
		t0 := time.Now()
		deadline := t0.Add(duration)
		for w := 0; w < spec.Concurrency; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				myLat := make([]float64, 0, 1024)
				myFirst := make([]float64, 0, 1024)
				var myUnits int64
				var out []byte
				for time.Now().Before(deadline) && started.Add(1) <= int64(spec.MaxCalls) {
					s := time.Now()
					ctx, cancel := context.WithTimeout(context.Background(), timeout)
					u, first, err := call(ctx, p.pick(), spec, req, &out)
					cancel()
					if err != nil {
						code := status.Code(err).String()
						mu.Lock()
						errs++
						byCode[code]++
						if firstErr == "" {
							firstErr = fmt.Sprintf("%s: %s", code, status.Convert(err).Message())
						}
						mu.Unlock()
						continue
					}
					if measure {
						myLat = append(myLat, float64(time.Since(s).Microseconds())/1000)
						if spec.Stream == "server" {
							myFirst = append(myFirst, float64(first.Microseconds())/1000)
						}
					}
					myUnits += u
				}
				mu.Lock()
				lat = append(lat, myLat...)
				firsts = append(firsts, myFirst...)
				units += myUnits
				if len(out) > 0 {
					sample = append([]byte(nil), out...)
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		elapsed = time.Since(t0)
		return
	}
	if spec.WarmMs > 0 {
		phase(time.Duration(spec.WarmMs)*time.Millisecond, false)
	}
	cpu0 := cpuMicros()
	lat, firsts, units, errs, byCode, firstErr, sample, elapsed := phase(time.Duration(spec.DurationMs)*time.Millisecond, true)
	cpu := cpuMicros() - cpu0
	sort.Float64s(lat)
	sort.Float64s(firsts)
	ms := float64(elapsed.Microseconds()) / 1000
	res.Calls = int64(len(lat))
	res.Errors = errs
	if len(byCode) > 0 {
		res.ErrorsByCode = byCode
	}
	res.FirstError = firstErr
	res.ElapsedMs = ms
	res.Throughput = float64(res.Calls) / ms * 1000
	res.P50Ms, res.P90Ms, res.P99Ms = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	if len(lat) > 0 {
		res.MaxMs = lat[len(lat)-1]
	}
	if spec.Stream == "server" {
		ups := float64(units) / ms * 1000
		f50, f99 := percentile(firsts, 50), percentile(firsts, 99)
		res.Units, res.UnitsPerSec, res.FirstEventP50Ms, res.FirstEventP99Ms = &units, &ups, &f50, &f99
	}
	if res.Calls > 0 {
		res.ClientCpuUsPerCall = cpu / float64(res.Calls)
	}
	res.ClientCpuUtil = cpu / 1000 / ms
	if sample != nil {
		res.Sample = base64.StdEncoding.EncodeToString(sample)
	}
	return res
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	// Announce readiness, so the bench knows the binary started (and which grpc-go it carries).
	_ = out.Encode(map[string]any{"ready": true, "grpcGo": grpc.Version})
	for in.Scan() {
		var spec cellSpec
		if err := json.Unmarshal(in.Bytes(), &spec); err != nil {
			_ = out.Encode(cellResult{Error: "not a cell: " + err.Error()})
			continue
		}
		res := run(&spec)
		if math.IsNaN(res.P50Ms) {
			res.P50Ms, res.P90Ms, res.P99Ms = 0, 0, 0
		}
		if err := out.Encode(sanitize(res)); err != nil {
			fmt.Fprintln(os.Stderr, "grpcload:", err)
			os.Exit(1)
		}
	}
	for _, p := range pools {
		for _, cc := range p.conns {
			_ = cc.Close()
		}
	}
}

// sanitize replaces NaNs (no calls) with 0: JSON has no NaN.
func sanitize(r cellResult) cellResult {
	fix := func(f *float64) *float64 {
		if f != nil && math.IsNaN(*f) {
			z := 0.0
			return &z
		}
		return f
	}
	r.FirstEventP50Ms, r.FirstEventP99Ms = fix(r.FirstEventP50Ms), fix(r.FirstEventP99Ms)
	if math.IsNaN(r.ClientCpuUtil) {
		r.ClientCpuUtil = 0
	}
	return r
}
