/**
 * Google Gemini API wire shapes (v1beta `generateContent` / `streamGenerateContent`), the
 * parts Plexus reads or writes. Field names are the REST API's camelCase; the API also
 * accepts snake_case, which the decoders read too.
 */

export interface GeminiBlob {
  mimeType: string;
  /** Base64 bytes. */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  /** Set by some deployments only; the Gemini API usually sends no call ids. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

/** Media attached to a function response (multimodal function results). */
export interface GeminiFunctionResponsePart {
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Any JSON object; `error` reports a failed call, anything else is the output. */
  response: Record<string, unknown>;
  parts?: GeminiFunctionResponsePart[];
}

export interface GeminiPart {
  text?: string;
  /** The part is a thought (summary), not answer text. */
  thought?: boolean;
  /** Opaque reasoning state; must go back on the same part, byte for byte. */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: { language?: string; code: string };
  codeExecutionResult?: { outcome?: string; output?: string };
}

export interface GeminiContent {
  role?: 'user' | 'model' | 'function';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** OpenAPI-subset Schema (types may be upper case: `OBJECT`, `STRING`). */
  parameters?: Record<string, unknown>;
  /** Plain JSON Schema. */
  parametersJsonSchema?: Record<string, unknown>;
}

/** Function tools, or a Google built-in (`googleSearch`, `codeExecution`, `urlContext`...). */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  [builtIn: string]: unknown;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
  [other: string]: unknown;
}

export type GeminiThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Tokens; 0 disables thinking, -1 lets the model decide. */
  thinkingBudget?: number;
  thinkingLevel?: GeminiThinkingLevel;
  [other: string]: unknown;
}

export interface GeminiGenerationConfig {
  stopSequences?: string[];
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  responseJsonSchema?: Record<string, unknown>;
  candidateCount?: number;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  thinkingConfig?: GeminiThinkingConfig;
  [other: string]: unknown;
}

export interface GeminiSafetySetting {
  category: string;
  threshold: string;
}

/** The body of `POST /v1beta/models/{model}:generateContent` (the model is in the URL). */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: GeminiSafetySetting[];
  cachedContent?: string;
  labels?: Record<string, string>;
  [extra: string]: unknown;
}

export type GeminiFinishReason =
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'IMAGE_RECITATION'
  | 'IMAGE_OTHER'
  | 'NO_IMAGE'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS';

export interface GeminiModalityTokenCount {
  modality: string;
  tokenCount: number;
}

export interface GeminiUsageMetadata {
  /** The whole prompt, cached part included. */
  promptTokenCount?: number;
  /** Answer tokens, thoughts excluded. */
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  /** The part of the prompt read from the context cache. */
  cachedContentTokenCount?: number;
  /** Tokens of tool-use prompts (e.g. search results), not in promptTokenCount. */
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  promptTokensDetails?: GeminiModalityTokenCount[];
  cacheTokensDetails?: GeminiModalityTokenCount[];
  candidatesTokensDetails?: GeminiModalityTokenCount[];
}

export interface GeminiCandidate {
  content?: { parts?: GeminiPart[]; role?: string };
  finishReason?: GeminiFinishReason;
  index?: number;
  safetyRatings?: unknown[];
  citationMetadata?: unknown;
  groundingMetadata?: unknown;
  finishMessage?: string;
  [other: string]: unknown;
}

/** A whole answer, or one chunk of a `streamGenerateContent?alt=sse` stream (same shape). */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  [other: string]: unknown;
}

export type GeminiErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

/** Google's error body; the same object is the data of an in-stream error event. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: GeminiErrorStatus };
}
