import { FakeHttpApi, type ArrivedRequest, type NoAnswer } from './fake-http-api.ts';

export interface RecordedSpeechRequest {
  contentType?: string;
  authorization?: string;
  /** The audio as it arrived, read as text: tests send ASCII stand-ins for a recording. */
  audio: string;
}

export type FakeSpeechReply = { status?: number; json: string } | NoAnswer;

/** A local speech-to-text service: POST / with the audio, `{ "text": <what it heard> }` back; `heard` is the default answer. */
export class FakeSpeech extends FakeHttpApi<RecordedSpeechRequest, FakeSpeechReply> {
  heard = '';

  protected record({ headers, text }: ArrivedRequest): RecordedSpeechRequest {
    return { contentType: headers['content-type'], authorization: headers.authorization, audio: text };
  }

  protected routeOf(): string {
    return '/';
  }

  protected answer(): FakeSpeechReply {
    return { json: JSON.stringify({ text: this.heard }) };
  }

  protected bodyOf(reply: { json: string }): string {
    return reply.json;
  }
}
