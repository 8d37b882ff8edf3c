import type { CheckDefinition } from "../../check.js";
import type { DriverWarningCode } from "@agentwire/activeworkflow/testing";

const client = "lib/remote_agents.rb (RemoteAgents::Agent#handle_response)";
const registerSource = "lib/remote_agents.rb (RemoteAgents.register_agent), config/initializers/remote_agents.rb";

/** Every ActiveWorkflow check: stable ids, never reused. */
export const awChecks = {
  // ---- register (discovery) ----
  registerAnswered: {
    id: "activeworkflow.register.answered",
    level: "MUST",
    reason: 'register must answer JSON {"result": {...}}: ActiveWorkflow parses it and fetch(\'result\') at boot, and a raise stops the process from booting',
    source: registerSource,
  },
  registerStatus: {
    id: "activeworkflow.register.status-200",
    level: "SHOULD",
    reason: "register should answer HTTP 200: ActiveWorkflow ignores the status, so a non-200 that it reads as a registration hides a fault",
    source: registerSource,
  },
  registerName: {
    id: "activeworkflow.register.name-ruby-constant",
    level: "MUST",
    reason: "name is pasted into `class ::Agents::<name>`: anything but a CamelCase Ruby constant is a SyntaxError or NameError at boot",
    source: "lib/remote_agents.rb (RemoteAgents.register_agent: eval \"class ::Agents::#{config['name']} < ::RemoteAgents::Agent\")",
  },
  registerDisplayName: {
    id: "activeworkflow.register.display-name",
    level: "MUST",
    reason: "display_name must be a non-empty string: it names the agent type in ActiveWorkflow's UI (the agent helper libraries refuse it otherwise)",
    source: "lib/remote_agents.rb (remote_agent_config), app/helpers/application_helper.rb (agent_type_to_human)",
  },
  registerDescription: {
    id: "activeworkflow.register.description",
    level: "MUST",
    reason: "description must be a string: it is rendered with Kramdown as the type's Markdown description, and anything else breaks the new-agent page",
    source: "lib/remote_agents.rb (remote_agent_config), app/helpers/agent_helper.rb (agent_short_description)",
  },
  registerDefaultOptions: {
    id: "activeworkflow.register.default-options-object",
    level: "MUST",
    reason: "default_options must be an object: it pre-fills a new agent's options editor and becomes the options sent in check/receive",
    source: "lib/remote_agents.rb (default_options), app/controllers/agents_controller.rb (type_details)",
  },
  registerIdempotent: {
    id: "activeworkflow.register.idempotent",
    level: "SHOULD",
    reason: "register should answer the same every time: every ActiveWorkflow process (web, scheduler, each worker) registers on its own boot",
    source: "config/initializers/remote_agents.rb (RemoteAgents.setup on every Rails boot)",
  },

  // ---- calls (cases) ----
  callsAnswered: {
    id: "activeworkflow.calls.answered",
    level: "MUST",
    reason: 'check/receive must answer JSON {"result": {...}}: ActiveWorkflow parses the body and fetch(\'result\'), and a raise fails the job, retried 5 times',
    source: client,
  },
  callsStatus: {
    id: "activeworkflow.calls.status-200",
    level: "SHOULD",
    reason: "check/receive should answer HTTP 200: ActiveWorkflow ignores the status and applies the body as if it were 200",
    source: client,
  },
  callsNoNull: {
    id: "activeworkflow.calls.no-null-fields",
    level: "MUST",
    reason: "errors, logs, messages and memory must be absent, not null: fetch returns nil and `nil.each` (or memory validation) raises, so the job fails and messages are emitted again on retry",
    source: client,
  },
  callsArrays: {
    id: "activeworkflow.calls.lists-are-arrays",
    level: "MUST",
    reason: "errors, logs and messages must be arrays: ActiveWorkflow iterates them with `.each`, which raises on a string or number (and logs an object's pairs)",
    source: client,
  },
  callsLogEntries: {
    id: "activeworkflow.calls.log-entries-strings",
    level: "MUST",
    reason: "each errors/logs entry must be a non-empty string: AgentLog validates presence (a blank entry fails the job) and stores Ruby's to_s of anything else",
    source: "lib/remote_agents.rb (handle_errors, handle_logs), app/models/agent_log.rb",
  },
  callsLogLength: {
    id: "activeworkflow.calls.log-entries-fit",
    level: "SHOULD",
    reason: "errors/logs entries should be at most 10 000 characters: ActiveWorkflow truncates longer ones",
    source: "app/models/agent_log.rb (truncate message)",
  },
  callsMemory: {
    id: "activeworkflow.calls.memory-object",
    level: "MUST",
    reason: "memory must be an object or absent: anything else fails the agent's save! after messages were created (or is parsed from a string, a quirk)",
    source: "lib/remote_agents.rb (handle_memory), app/concerns/json_serialized_field.rb",
  },
  callsMessages: {
    id: "activeworkflow.calls.messages-objects",
    level: "MUST",
    reason: "each message must be a JSON object: create_message raises on anything else (after earlier messages were saved), and a string is re-parsed (a quirk)",
    source: "lib/remote_agents.rb (handle_messages: create_message(payload: element))",
  },
  callsExpect: {
    id: "activeworkflow.calls.expect",
    level: "MUST",
    reason: "each case's answer, as ActiveWorkflow applies it, must match the case's `expect` (messages, memory, errors, logs)",
    source: "the cases file (docs/conformance.md); lib/remote_agents.rb (handle_response) for how answers are applied",
  },
  callsCanary: {
    id: "activeworkflow.calls.canary-not-echoed",
    level: "MUST",
    reason: "a credential's value must never come back in messages, logs, errors or memory: ActiveWorkflow sends all of the user's credentials on every call and stores and shows what comes back",
    source: "lib/remote_agents.rb (credentials: user.user_credentials sent in every call)",
  },

  // ---- http (discovery) ----
  httpNotJson: {
    id: "activeworkflow.http.not-json-refused",
    level: "SHOULD",
    reason: "a body that is not JSON should be refused with a 4xx before any work, not a hang or a 5xx page",
    source: "lib/remote_agents.rb (Faraday.post with a JSON body; no read timeout of its own: Net::HTTP's 60 s)",
  },
  httpUnknownMethod: {
    id: "activeworkflow.http.unknown-method-refused",
    level: "SHOULD",
    reason: "an unknown method should be refused with a 4xx before any work, not a hang, a 5xx page or a result",
    source: "lib/remote_agents.rb (methods sent: register, check, receive)",
  },

  // ---- load (cases) ----
  loadOwnPayload: {
    id: "activeworkflow.load.concurrent-receives-own-payload",
    level: "MUST",
    reason: "50 concurrent receive calls must each be answered with their own payload: ActiveWorkflow runs jobs on several workers at once, over a connection per call",
    source: "app/jobs/agent_receive_job.rb, lib/remote_agents.rb (Faraday on Net::HTTP, a connection per call)",
  },
} as const satisfies Record<string, CheckDefinition>;

/** Which driver warning each calls check judges (one check per kind of fault). */
export const warningChecks: ReadonlyArray<{ definition: CheckDefinition; codes: readonly DriverWarningCode[] }> = [
  { definition: awChecks.callsStatus, codes: ["http_status"] },
  { definition: awChecks.callsNoNull, codes: ["field_null"] },
  { definition: awChecks.callsArrays, codes: ["field_not_array"] },
  { definition: awChecks.callsLogEntries, codes: ["log_entry_blank", "log_entry_not_string"] },
  { definition: awChecks.callsLogLength, codes: ["log_entry_truncated"] },
  { definition: awChecks.callsMemory, codes: ["memory_not_object", "memory_json_string"] },
  { definition: awChecks.callsMessages, codes: ["message_not_object", "message_json_string"] },
];

/** The warnings that mean no applicable answer came (judged by `activeworkflow.calls.answered`). */
export const unansweredCodes: readonly DriverWarningCode[] = ["transport_error", "non_json_body", "missing_result", "result_not_object"];

/**
 * Every `DriverWarningCode` the driver reports and the check that judges it, for `register` and for
 * `check`/`receive` (exhaustive: a new code in the driver fails the typecheck here until it is mapped).
 */
export const checkOfWarning: Record<DriverWarningCode, { register?: string; calls?: string }> = {
  transport_error: { register: awChecks.registerAnswered.id, calls: awChecks.callsAnswered.id },
  non_json_body: { register: awChecks.registerAnswered.id, calls: awChecks.callsAnswered.id },
  missing_result: { register: awChecks.registerAnswered.id, calls: awChecks.callsAnswered.id },
  result_not_object: { register: awChecks.registerAnswered.id, calls: awChecks.callsAnswered.id },
  http_status: { register: awChecks.registerStatus.id, calls: awChecks.callsStatus.id },
  field_null: { calls: awChecks.callsNoNull.id },
  field_not_array: { calls: awChecks.callsArrays.id },
  log_entry_blank: { calls: awChecks.callsLogEntries.id },
  log_entry_not_string: { calls: awChecks.callsLogEntries.id },
  log_entry_truncated: { calls: awChecks.callsLogLength.id },
  memory_not_object: { calls: awChecks.callsMemory.id },
  memory_json_string: { calls: awChecks.callsMemory.id },
  message_not_object: { calls: awChecks.callsMessages.id },
  message_json_string: { calls: awChecks.callsMessages.id },
  register_name_invalid: { register: awChecks.registerName.id },
  register_display_name: { register: awChecks.registerDisplayName.id },
  register_description: { register: awChecks.registerDescription.id },
  register_default_options: { register: awChecks.registerDefaultOptions.id },
  register_not_idempotent: { register: awChecks.registerIdempotent.id },
};
