package assist

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// reply is one scripted answer of the fake OpenAI server.
type reply struct {
	status   int               // HTTP status; 0 means 200
	header   map[string]string // extra response headers
	raw      string            // raw body, sent as is (errors, garbage)
	content  string            // assistant message content (the JSON answer)
	toolArgs string            // answer as a tool call's arguments instead
	finish   string            // finish_reason; default stop / tool_calls
	chunks   int               // streaming: split the answer into this many pieces
	hang     bool              // wait until the client gives up
}

// fakeAI is an httptest server that speaks the chat-completions API, both
// plain JSON and SSE streaming, from a script of replies, and keeps every
// request body it received.
type fakeAI struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	script []reply
	bodies [][]byte
	times  []time.Time
	auth   []string
	paths  []string
}

func newFakeAI(t *testing.T, script ...reply) *fakeAI {
	t.Helper()
	f := &fakeAI{t: t, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAI) URL() string { return f.srv.URL + "/v1" }

func (f *fakeAI) push(r ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, r...)
}

func (f *fakeAI) requests() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.bodies...)
}

func (f *fakeAI) requestTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.times...)
}

func (f *fakeAI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.times = append(f.times, time.Now())
	f.auth = append(f.auth, r.Header.Get("Authorization")+r.Header.Get("api-key"))
	f.paths = append(f.paths, r.URL.RequestURI())
	var rep reply
	scripted := len(f.script) > 0
	if scripted {
		rep, f.script = f.script[0], f.script[1:]
	}
	f.mu.Unlock()
	azure := strings.HasPrefix(r.URL.Path, "/openai/deployments/") && strings.HasSuffix(r.URL.Path, "/chat/completions") && r.URL.Query().Get("api-version") != ""
	if r.URL.Path != "/v1/chat/completions" && !azure {
		http.Error(w, `{"error":{"message":"no such route","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	if !scripted {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"message":"unscripted request","type":"server_error"}}`)
		return
	}
	if rep.hang {
		<-r.Context().Done()
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.status != 0 && rep.status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		fmt.Fprint(w, rep.raw)
		return
	}
	if rep.raw != "" {
		fmt.Fprint(w, rep.raw)
		return
	}
	var req openai.ChatCompletionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("fake AI: request body is not a chat request: %v", err)
	}
	if req.Stream {
		f.stream(w, rep)
		return
	}
	f.plain(w, rep)
}

var fakeUsage = openai.Usage{PromptTokens: 100, CompletionTokens: 20, TotalTokens: 120}

func (rep reply) finishReason() openai.FinishReason {
	switch {
	case rep.finish != "":
		return openai.FinishReason(rep.finish)
	case rep.toolArgs != "":
		return openai.FinishReasonToolCalls
	}
	return openai.FinishReasonStop
}

func (f *fakeAI) plain(w http.ResponseWriter, rep reply) {
	msg := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: rep.content}
	if rep.toolArgs != "" {
		msg.Content = ""
		msg.ToolCalls = []openai.ToolCall{{ID: "call_1", Type: openai.ToolTypeFunction,
			Function: openai.FunctionCall{Name: "answer", Arguments: rep.toolArgs}}}
	}
	resp := openai.ChatCompletionResponse{ID: "chatcmpl-1", Object: "chat.completion", Model: "test-model",
		Choices: []openai.ChatCompletionChoice{{Message: msg, FinishReason: rep.finishReason()}}, Usage: fakeUsage}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeAI) stream(w http.ResponseWriter, rep reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(chunk openai.ChatCompletionStreamResponse) {
		raw, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", raw)
		if flusher != nil {
			flusher.Flush()
		}
	}
	answer := rep.content
	if rep.toolArgs != "" {
		answer = rep.toolArgs
	}
	for i, piece := range split(answer, max(rep.chunks, 1)) {
		delta := openai.ChatCompletionStreamChoiceDelta{Content: piece}
		if i == 0 {
			delta.Role = openai.ChatMessageRoleAssistant
		}
		if rep.toolArgs != "" {
			idx := 0
			delta.Content = ""
			tc := openai.ToolCall{Index: &idx, Function: openai.FunctionCall{Arguments: piece}}
			if i == 0 {
				tc.ID, tc.Type, tc.Function.Name = "call_1", openai.ToolTypeFunction, "answer"
			}
			delta.ToolCalls = []openai.ToolCall{tc}
		}
		send(openai.ChatCompletionStreamResponse{ID: "chatcmpl-1", Object: "chat.completion.chunk",
			Choices: []openai.ChatCompletionStreamChoice{{Delta: delta}}})
	}
	send(openai.ChatCompletionStreamResponse{ID: "chatcmpl-1", Object: "chat.completion.chunk",
		Choices: []openai.ChatCompletionStreamChoice{{FinishReason: rep.finishReason()}}})
	u := fakeUsage
	send(openai.ChatCompletionStreamResponse{ID: "chatcmpl-1", Object: "chat.completion.chunk",
		Choices: []openai.ChatCompletionStreamChoice{}, Usage: &u})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// split cuts s into n pieces of about equal length, on rune boundaries.
func split(s string, n int) []string {
	runes := []rune(s)
	if n <= 1 || len(runes) <= n {
		return []string{s}
	}
	size := (len(runes) + n - 1) / n
	var out []string
	for i := 0; i < len(runes); i += size {
		out = append(out, string(runes[i:min(i+size, len(runes))]))
	}
	return out
}

// bodyText is every request body the server got, joined, for leak checks.
func (f *fakeAI) bodyText() string {
	var b strings.Builder
	for _, body := range f.requests() {
		b.Write(body)
		b.WriteByte('\n')
	}
	return b.String()
}
