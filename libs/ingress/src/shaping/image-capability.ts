import type { CanonicalRequest, ContentPart, ImagePart } from '@plexus/core';
import type { RouteTarget } from '@plexus/routing';
import type { ModelCatalog } from '@plexus/usage';

/**
 * Whether a target takes images: the provider model's `input_modalities` when configured,
 * else the model catalog's; a model neither knows is taken not to.
 */
export function acceptsImages(target: RouteTarget, catalog: ModelCatalog): boolean {
  const configured = target.modelConfig['input_modalities'];
  if (Array.isArray(configured)) return configured.includes('image');
  const known = catalog.lookup(target.model, target.provider)?.metadata.architecture?.input_modalities;
  return known?.includes('image') ?? false;
}

function partHasImage(part: ContentPart): boolean {
  return part.type === 'image' || (part.type === 'tool_result' && part.content.some((inner) => inner.type === 'image'));
}

export function hasImages(request: CanonicalRequest): boolean {
  return request.messages.some((message) => message.content.some(partHasImage));
}

/** Every image of the request, tool results' included, in order. */
export function imagesOf(request: CanonicalRequest): ImagePart[] {
  const images: ImagePart[] = [];
  for (const message of request.messages)
    for (const part of message.content) {
      if (part.type === 'image') images.push(part);
      else if (part.type === 'tool_result')
        for (const inner of part.content) if (inner.type === 'image') images.push(inner);
    }
  return images;
}

/** The request with each image replaced in place by what `replace` gives for it (the same part when null). */
export function replaceImages(
  request: CanonicalRequest,
  replace: (image: ImagePart) => { type: 'text'; text: string } | null,
): CanonicalRequest {
  return {
    ...request,
    messages: request.messages.map((message) => ({
      ...message,
      content: message.content.map((part): ContentPart => {
        if (part.type === 'image') return replace(part) ?? part;
        if (part.type !== 'tool_result') return part;
        return {
          ...part,
          content: part.content.map((inner) => (inner.type === 'image' ? (replace(inner) ?? inner) : inner)),
        };
      }),
    })),
  };
}
