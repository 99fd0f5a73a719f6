import { ErrorCode, GatewayException, type CanonicalResponse } from '@plexus/core';
import { answerCallId, decodeGeminiParts, encodeGeminiParts, field, isRecord } from './gemini-content';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini.types';
import {
  decodeGeminiFinishReason,
  decodeGeminiUsage,
  encodeGeminiFinishReason,
  encodeGeminiUsage,
} from './gemini-usage';

const RESPONSE_FIELDS = new Set(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
const CANDIDATE_FIELDS = new Set(['content', 'finishReason', 'index']);

/**
 * Upstream Gemini body to canonical (candidate 0; more candidates need the pass-through
 * path). What has no canonical meaning (safety ratings, citation and grounding metadata,
 * prompt feedback, a finish reason canonical would fold into another) is kept in
 * `extensions.gemini`, candidate fields under `candidate`, so a Gemini client gets it back.
 */
export function decodeGeminiResponse(body: unknown): CanonicalResponse {
  const candidates = field<unknown[]>(body, 'candidates');
  const candidate = Array.isArray(candidates)
    ? (candidates.find((item) => (field<number>(item, 'index') ?? 0) === 0) ?? candidates[0])
    : undefined;
  if (!isRecord(body) || (!isRecord(candidate) && field(body, 'promptFeedback') === undefined)) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, { message: 'Upstream response has no candidates' });
  }
  const responseId = field<string>(body, 'responseId') ?? '';
  let ordinal = 0;
  const content = decodeGeminiParts(field<unknown[]>(field(candidate, 'content'), 'parts') ?? [], {
    callId: (call) => answerCallId(responseId, ordinal++, call),
    resultId: (response) => response.id ?? '',
  });
  const wireReason = field<string>(candidate, 'finishReason');
  // No candidate at all means the prompt itself was blocked (promptFeedback.blockReason).
  const finishReason = isRecord(candidate)
    ? decodeGeminiFinishReason(
        wireReason,
        content.some((part) => part.type === 'tool_call'),
      )
    : 'content_filter';

  const extension: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!RESPONSE_FIELDS.has(key)) extension[key] = value;
  const candidateExtras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(isRecord(candidate) ? candidate : {})) {
    if (!CANDIDATE_FIELDS.has(key)) candidateExtras[key] = value;
  }
  if (wireReason !== undefined && encodeGeminiFinishReason(finishReason) !== wireReason)
    candidateExtras['finishReason'] = wireReason;
  if (Object.keys(candidateExtras).length > 0) extension['candidate'] = candidateExtras;

  const usage = field<GeminiUsageMetadata>(body, 'usageMetadata');
  return {
    id: responseId,
    model: field<string>(body, 'modelVersion') ?? '',
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason,
    ...(usage !== undefined && { usage: decodeGeminiUsage(usage) }),
    extensions: Object.keys(extension).length > 0 ? { gemini: extension } : {},
  };
}

export function encodeGeminiResponse(response: CanonicalResponse): GeminiGenerateContentResponse {
  const { candidate: kept, ...extra } = response.extensions.gemini ?? {};
  const candidateExtras = isRecord(kept) ? kept : {};
  const blocked = response.content.length === 0 && field(extra['promptFeedback'], 'blockReason') !== undefined;
  const candidate: GeminiCandidate = {
    content: { parts: encodeGeminiParts(response.content, (toolCallId) => toolCallId), role: 'model' },
    finishReason: encodeGeminiFinishReason(response.finishReason),
    index: 0,
    ...candidateExtras,
  };
  return {
    ...(!blocked && { candidates: [candidate] }),
    ...extra,
    ...(response.usage !== undefined && { usageMetadata: encodeGeminiUsage(response.usage) }),
    modelVersion: response.model,
    responseId: response.id,
  };
}
