import formbody from '@fastify/formbody';
import type twilio from 'twilio';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelAdapter, ChannelHost, Preview } from '../types.ts';
import type { TwilioSettings } from './index.ts';
import { PayloadError, twilioForm, type TwilioForm } from './normalize.ts';
import { twilioSdk } from './sdk.ts';
import { signatureIsValid } from './signature.ts';
import { callerOf, normalizeConfirmedCall, speechOf } from './voice-normalize.ts';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

/** A Voice webhook is a small form; a minute of recognised speech is a few kB. */
const BODY_LIMIT = 64 * 1024;
const PREFIX = 'twilio';
/** Twilio's text-to-speech and speech-recognition names for Mandarin. */
const SAY = { language: 'zh-CN' } as const;
const HEAR = 'cmn-Hans-CN' as const;

export const speech = {
  greeting: '您好，这里是村积分申报电话。请说说您做了什么，比如“今天打扫了院坝”；查积分请说“查积分”。',
  notHeard: '没有听到您说话，请再说一遍您做了什么。',
  goodbye: '没有听到您说话，再见。',
  confirm: '确认请按1，重新说请按2。',
  noKey: '没有收到按键，这次没有记录。再见。',
  sayAgain: '好的，请再说一遍您做了什么。',
  recorded: '已记录，等村干部审核，结果会发短信告诉您。',
  thanks: '谢谢您的来电，再见。',
  trouble: '系统暂时有问题，这次没有记录，请稍后再打。',
} as const;

/** Percent-encodes everything but unreserved characters (encodeURIComponent leaves !'()* bare), so no one re-encodes the URL Twilio signs. */
const encodeQueryValue = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Where Twilio posts what it gathered: absolute, so a PUBLIC_URL with a path behind a proxy still works. */
function urls(publicUrl: string) {
  const base = `${publicUrl}/channels/${PREFIX}/voice`;
  return {
    heard: `${base}/heard`,
    confirm: (said: string) => `${base}/confirm?said=${encodeQueryValue(said)}`,
  };
}

type Urls = ReturnType<typeof urls>;

/** Asks the caller to speak, saying `prompt` while listening; silence ends the call. */
function listen(response: VoiceResponse, links: Urls, prompt: string): VoiceResponse {
  response.gather({ input: ['speech'], language: HEAR, speechTimeout: 'auto', action: links.heard, method: 'POST' }).say(SAY, prompt);
  response.say(SAY, speech.goodbye);
  response.hangup();
  return response;
}

/** Reads back what jifen understood and asks for one key; no key ends the call with nothing recorded. */
function askToConfirm(response: VoiceResponse, links: Urls, said: string, readBack: string): VoiceResponse {
  response.gather({ input: ['dtmf'], numDigits: 1, action: links.confirm(said), method: 'POST' }).say(SAY, `${readBack}。${speech.confirm}`);
  response.say(SAY, speech.noKey);
  response.hangup();
  return response;
}

function sayAndHangUp(response: VoiceResponse, ...lines: string[]): VoiceResponse {
  for (const line of lines) response.say(SAY, line);
  response.hangup();
  return response;
}

/** What to answer to words jifen previewed. */
function answer(response: VoiceResponse, links: Urls, said: string, preview: Preview): VoiceResponse {
  switch (preview.kind) {
    case 'claim':
    case 'unchecked': return askToConfirm(response, links, said, preview.speech);
    case 'answer': return sayAndHangUp(response, preview.speech, speech.thanks);
    case 'unknown_caller': return sayAndHangUp(response, preview.speech);
    case 'unclear': return listen(response, links, preview.speech);
  }
}

function routes(settings: TwilioSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  const links = urls(settings.publicUrl);
  return async (app, { host }) => {
    // Twilio posts forms only: anything else is a 415.
    app.removeAllContentTypeParsers();
    await app.register(formbody, { bodyLimit: BODY_LIMIT });
    app.addHook('preHandler', async (request, reply) => {
      if (!(await signatureIsValid(settings, request))) {
        request.log.warn({ url: request.url }, settings.authToken ? 'twilio voice webhook with a bad signature' : 'twilio voice webhook refused: TWILIO_AUTH_TOKEN is not set');
        return reply.code(403).send({ error: 'invalid Twilio signature' });
      }
    });

    const twiml = (reply: FastifyReply, response: VoiceResponse) => reply.type('text/xml').send(response.toString());
    const newResponse = async () => new (await twilioSdk()).twiml.VoiceResponse();
    /** A malformed payload is a 400; jifen's own trouble (nothing stored, nor spooled) is an apology to the caller (and an error in the log), never "recorded". */
    const failed = async (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
      if (error instanceof PayloadError) return reply.code(400).send({ error: error.message });
      request.log.error({ err: error, url: request.url }, 'twilio voice webhook failed');
      return twiml(reply, sayAndHangUp(await newResponse(), speech.trouble));
    };
    const formOf = (request: FastifyRequest) => twilioForm(request.body);

    /** What jifen makes of the words, answered as TwiML; nothing heard is asked again. */
    const respondTo = async (form: TwilioForm, said: string) => {
      if (!said) return listen(await newResponse(), links, speech.notHeard);
      return answer(await newResponse(), links, said, await host.preview('voice', callerOf(form), said, form.To?.trim() || undefined));
    };

    app.post('/voice', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      request.log.info({ callSid: formOf(request).CallSid }, 'voice call');
      return twiml(reply, listen(await newResponse(), links, speech.greeting));
    });

    app.post('/voice/heard', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      try {
        const form = formOf(request);
        return twiml(reply, await respondTo(form, speechOf(form)));
      } catch (error) {
        return failed(request, reply, error);
      }
    });

    app.post<{ Querystring: { said?: string | string[] } }>('/voice/confirm', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      try {
        const form = formOf(request);
        const said = typeof request.query.said === 'string' ? request.query.said.trim() : '';
        const digits = form.Digits?.trim();
        if (digits === '2') return twiml(reply, listen(await newResponse(), links, speech.sayAgain));
        if (digits !== '1') return twiml(reply, await respondTo(form, said));
        const accepted = await host.acceptInbound(normalizeConfirmedCall(form, said));
        request.log.info({ messageId: accepted.id, duplicate: accepted.duplicate, spooled: accepted.spooled }, 'spoken claim stored');
        // Spooled (PostgreSQL down): kept on disk, not yet understood or sent for review.
        return twiml(reply, sayAndHangUp(await newResponse(), accepted.spooled ? accepted.acknowledgement : speech.recorded));
      } catch (error) {
        return failed(request, reply, error);
      }
    });
  };
}

/**
 * Calls through Twilio Voice: the caller says what they did, jifen reads back what it understood,
 * a key confirms it and it is stored like a text. Answers go out by SMS, so there is no `send`.
 */
export function twilioVoice(settings: TwilioSettings): ChannelAdapter {
  return {
    provider: 'twilio-voice',
    channel: 'voice',
    prefix: PREFIX,
    capabilities: { maxLength: 1600, media: false },
    dryRun: false,
    routes: routes(settings),
  };
}
