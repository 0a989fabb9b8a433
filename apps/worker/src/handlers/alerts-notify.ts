// alerts.notify: emails every admin about a queue alert, once per incident (the job is
// enqueued once per alert; the email idempotency key makes a retried job send nothing twice).
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { defineHandler } from "../handler.ts";
import type { PipelineServices } from "../pipeline/services.ts";

const TITLES: Record<string, string> = {
  queue_stalled: "File de tâches bloquée",
  failure_rate: "Taux d'échec des tâches élevé",
};

export function alertsNotifyHandler(services: PipelineServices) {
  return defineHandler({
    kind: "alerts.notify",
    schema: jobPayloadSchemas["alerts.notify"],
    timeoutMs: 60_000,
    retry: { baseMs: 30_000, maxMs: 10 * 60_000 },
    async run({ alertId }, { convex }) {
      const id = alertId as Id<"alerts">;
      const target = await convex.query(api.alerts.notificationTargets, { alertId: id });
      if (!target) return { skipped: "alerte supprimée" };
      if (target.alert.notifiedAt !== undefined) return { skipped: "déjà notifiée" };
      const { renderAlertEmail } = await import("@nexus/email/render-alert-email");
      const { privacyNoticeUrl, unsubscribeHeaders, unsubscribeUrl } = await import(
        "@nexus/email/unsubscribe"
      );
      const sender = await services.emailSender();
      // Alerts may be turned off per person (« Échecs de traitement »): skip those who did.
      const wishes = await convex.query(api.emailPreferences.recipients, {
        userIds: target.admins.map((a) => a.userId),
        kind: "job_failed",
      });
      let notified = 0;
      for (const admin of target.admins) {
        const wish = wishes.find((w) => w.userId === admin.userId);
        if (wish && !wish.send) continue;
        const unsubscribe = wish?.unsubscribeToken
          ? unsubscribeUrl(services.appUrl, wish.unsubscribeToken)
          : undefined;
        // No signing key on this deployment: the preferences page (signed in) instead.
        const email = await renderAlertEmail({
          title: TITLES[target.alert.kind] ?? "Alerte de la file de tâches",
          message: target.alert.message,
          details: target.alert.jobKind
            ? [{ label: "Type de tâche", value: target.alert.jobKind }]
            : [],
          occurredAt: target.alert.openedAt,
          adminUrl: `${services.appUrl}/admin`,
          privacyUrl: privacyNoticeUrl(services.appUrl),
          unsubscribeUrl: unsubscribe ?? `${services.appUrl}/mes-donnees#preferences-email`,
          centre: services.centre,
        });
        await sender.send({
          to: { name: admin.name, email: admin.email },
          subject: email.subject,
          html: email.html,
          text: email.text,
          idempotencyKey: `alert:${alertId}:${admin.email.toLowerCase()}`,
          ...(unsubscribe ? { headers: unsubscribeHeaders(unsubscribe) } : {}),
        });
        notified++;
      }
      await convex.mutation(api.alerts.markNotified, { alertId: id });
      return { notified };
    },
  });
}
