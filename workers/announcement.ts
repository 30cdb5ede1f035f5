import { reportAnnouncement, sendAnnouncement } from '../src/announcements/messages.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** A confirmed announcement: one message per household. */
export const announcementSend: PipelineStage<'announcement-send'> = (context, { announcementId }) => sendAnnouncement(context, announcementId);

/** Its delivery figures to the cadre once every message has gone. */
export const announcementReport: PipelineStage<'announcement-report'> = (context, { announcementId, round }) => reportAnnouncement(context, announcementId, round);
