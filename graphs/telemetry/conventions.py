"""The names spans carry: OpenTelemetry's GenAI semantic conventions, then plangate's own.

The GenAI names are those of ``opentelemetry-semantic-conventions`` (its incubating
``gen_ai_attributes``), written out here rather than imported: that module is still marked
incubating and may move, and importing plangate must never import OpenTelemetry. A test checks
each one against the installed package, so a rename there fails here first.

plangate's own attributes live under ``plangate.``: what a step's call does (``effect``), the key
that makes a write happen once (``idempotency_key``), where its arguments came from
(``provenance``), and what each guardrail decided (``verdict.*``).
"""

from __future__ import annotations

from typing import Final

# GenAI semantic conventions (gen_ai.*)
OPERATION_NAME: Final = "gen_ai.operation.name"
PROVIDER_NAME: Final = "gen_ai.provider.name"
AGENT_NAME: Final = "gen_ai.agent.name"
CONVERSATION_ID: Final = "gen_ai.conversation.id"
REQUEST_MODEL: Final = "gen_ai.request.model"
REQUEST_TEMPERATURE: Final = "gen_ai.request.temperature"
REQUEST_MAX_TOKENS: Final = "gen_ai.request.max_tokens"
RESPONSE_MODEL: Final = "gen_ai.response.model"
RESPONSE_ID: Final = "gen_ai.response.id"
RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
TOOL_NAME: Final = "gen_ai.tool.name"
TOOL_CALL_ID: Final = "gen_ai.tool.call.id"
TOOL_TYPE: Final = "gen_ai.tool.type"
TOOL_DESCRIPTION: Final = "gen_ai.tool.description"
TOOL_CALL_ARGUMENTS: Final = "gen_ai.tool.call.arguments"
ERROR_TYPE: Final = "error.type"

# gen_ai.operation.name values
INVOKE_AGENT: Final = "invoke_agent"
CHAT: Final = "chat"
EXECUTE_TOOL: Final = "execute_tool"

# plangate's own attributes
REQUEST: Final = "plangate.request"
RESUMED: Final = "plangate.resumed"
STRATEGY: Final = "plangate.strategy"
RUN_STATUS: Final = "plangate.run.status"
USAGE_TOKENS: Final = "plangate.usage.tokens"
USAGE_MODEL_CALLS: Final = "plangate.usage.model_calls"
USAGE_TOOL_CALLS: Final = "plangate.usage.tool_calls"
COST: Final = "plangate.cost_usd"
NODE: Final = "plangate.node"
PLAN_ATTEMPT: Final = "plangate.plan.attempt"
PLAN_REPLAN: Final = "plangate.plan.replan"
PLAN_EXTENDS: Final = "plangate.plan.extends"
PLAN_STEP_IDS: Final = "plangate.plan.step_ids"
PLAN_ISSUES: Final = "plangate.plan.issues"
WAVE_NUMBER: Final = "plangate.wave.number"
WAVE_STEP_IDS: Final = "plangate.wave.step_ids"
EFFECT: Final = "plangate.effect"
IDEMPOTENCY_KEY: Final = "plangate.idempotency_key"
PROVENANCE: Final = "plangate.provenance"
RESULT_LABEL: Final = "plangate.result_label"
STEP_STATUS: Final = "plangate.step.status"
STEP_ATTEMPTS: Final = "plangate.step.attempts"
STEP_REUSED: Final = "plangate.step.reused"
STEP_SUMMARY: Final = "plangate.step.summary"
VERDICT_GUARDRAIL: Final = "plangate.verdict.guardrail"
VERDICT_STAGE: Final = "plangate.verdict.stage"
VERDICT_ACTION: Final = "plangate.verdict.action"
VERDICT_REASON: Final = "plangate.verdict.reason"
VERDICT_STEP_ID: Final = "plangate.verdict.step_id"
VERDICT_DECISION: Final = "plangate.verdict.decision"
APPROVAL_IDS: Final = "plangate.approval.ids"
APPROVAL_TOOLS: Final = "plangate.approval.tools"
APPROVAL_REASONS: Final = "plangate.approval.reasons"
APPROVAL_CALLS: Final = "plangate.approval.calls"
APPROVAL_DECISIONS: Final = "plangate.approval.decisions"

# span names (a model call's and a tool call's follow the GenAI pattern "{operation} {name}")
PLAN_SPAN: Final = "plangate.plan"
WAVE_SPAN: Final = "plangate.wave"
RESPOND_SPAN: Final = "plangate.respond"
VERDICT_SPAN: Final = "plangate.verdict"
APPROVAL_SPAN: Final = "plangate.approval"
RETRY_EVENT: Final = "plangate.retry"
REPLANNING_EVENT: Final = "plangate.replanning"
