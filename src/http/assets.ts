import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { STYLESHEET } from '../pages/stylesheet.js';

const LOGO_TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};
const MAX_LOGO_BYTES = 512 * 1024;
const MAX_CSS_BYTES = 256 * 1024;

export interface Branding {
  /** the pages' stylesheet: Trustgate's own, the BRAND_COLOR rules, then the BRAND_CSS file */
  stylesheet: string;
  /** the BRAND_LOGO file, served at {issuer}/assets/logo */
  logoFile: { body: Buffer; type: string } | undefined;
  /** the origin of a BRAND_LOGO URL, allowed as an image source on the pages */
  logoOrigin: string | undefined;
}

function readFile(variable: string, file: string, max: number): Buffer {
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(variable, `${variable} names ${file}, which cannot be read (${code}).`);
  }
  if (body.length > max) throw new ConfigError(variable, `${variable} names ${file}, which is larger than ${max / 1024} KiB.`);
  return body;
}

/**
 * Branding from BRAND_COLOR, BRAND_LOGO and BRAND_CSS, read once at start (a missing file stops the
 * start, naming the variable). Everything is CSS served from the issuer, so the pages' strict
 * Content-Security-Policy (no inline styles) stays as it is; a logo URL's origin joins img-src.
 */
export function loadBranding(config: Pick<Config, 'brandColor' | 'brandLogo' | 'brandCssFile' | 'issuerPath'>): Branding {
  const parts = [STYLESHEET];
  const color = config.brandColor;
  if (color) {
    parts.push(
      `/* BRAND_COLOR */\n.instance,button,a.button{background:${color}}\nbutton.secondary,.secondary button{background:#e8eaee}\n` +
        `button.link,a{color:${color}}\nbutton.link{background:none}\n.notice{border-left-color:${color}}\n`,
    );
  }
  let logoFile: Branding['logoFile'];
  let logoOrigin: string | undefined;
  const logo = config.brandLogo;
  if (logo) {
    let src: string;
    if ('file' in logo) {
      const type = LOGO_TYPES[path.extname(logo.file).toLowerCase()];
      if (!type) throw new ConfigError('BRAND_LOGO', `BRAND_LOGO must be an .svg, .png, .jpg, .webp or .gif file, got "${logo.file}".`);
      logoFile = { body: readFile('BRAND_LOGO', logo.file, MAX_LOGO_BYTES), type };
      src = `${config.issuerPath}/assets/logo`;
    } else {
      src = logo.url;
      logoOrigin = new URL(logo.url).origin;
    }
    parts.push(
      `/* BRAND_LOGO */\n.instance{display:flex;align-items:center;gap:.6rem}\n` +
        `.instance::before{content:"";display:block;width:2.25rem;height:2.25rem;background:url("${src}") no-repeat center/contain}\n`,
    );
  }
  if (config.brandCssFile) parts.push(`/* BRAND_CSS */\n${readFile('BRAND_CSS', config.brandCssFile, MAX_CSS_BYTES).toString('utf8')}\n`);
  return { stylesheet: parts.join(''), logoFile, logoOrigin };
}

/**
 * GET {issuer}/assets/trustgate.css (the pages' stylesheet with the branding) and, with a BRAND_LOGO
 * file, GET {issuer}/assets/logo.
 */
export function registerAssets(app: FastifyInstance, ctx: AppContext): void {
  const branding = loadBranding(ctx.config);
  app.get('/assets/trustgate.css', (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/css; charset=utf-8').send(branding.stylesheet),
  );
  const logo = branding.logoFile;
  if (logo) {
    app.get('/assets/logo', (_request, reply) =>
      reply
        .header('Cache-Control', 'public, max-age=3600')
        // an SVG opened on its own runs nothing
        .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .type(logo.type)
        .send(logo.body),
    );
  }
  const origin = branding.logoOrigin;
  if (origin) {
    // the logo's origin joins img-src on every page of the issuer (nothing else is loosened)
    app.addHook('onSend', async (_request, reply, payload) => {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string' && csp.includes("img-src 'self' data:;")) {
        reply.header('content-security-policy', csp.replace("img-src 'self' data:;", `img-src 'self' data: ${origin};`));
      }
      return payload;
    });
  }
}
