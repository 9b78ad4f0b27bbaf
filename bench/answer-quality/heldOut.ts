/**
 * Held-out help center: a note-taking app. Written before the relevance
 * model was calibrated and evaluated only at the end, to check the method
 * was not fitted to the development questions.
 */
import type { HelpCenter } from "./types";

const PLANS = "Plans and pricing";
const BILLING = "Billing and invoices";
const SYNC = "Offline mode and sync";
const SHARING = "Sharing and collaboration";
const SECURITY = "Security and two-factor authentication";
const EXPORT = "Exporting your notes and deleting your account";
const INTEGRATIONS = "Integrations";
const MOBILE = "Mobile apps";

export const heldOut: HelpCenter = {
  name: "Cloudnote (held out)",
  articles: [
    {
      title: PLANS,
      text: `Cloudnote has three plans. Free includes 3 notebooks and 100 MB of uploads a month. Plus costs $4 a month and removes the notebook limit, with 5 GB of uploads. Teams costs $8 per member a month and adds shared workspaces and admin controls.

Paying yearly saves 20% on Plus and Teams. You can upgrade at any time; the difference is prorated. When you downgrade, the change takes effect at the end of the current billing period and notebooks over the limit become read-only.`,
    },
    {
      title: BILLING,
      text: `Subscriptions renew automatically and are charged to the card on file. We accept credit and debit cards and PayPal.

Invoices are emailed after each payment and can be downloaded from Settings › Billing, where you can also add a company name and tax ID. If a payment fails we retry three times over a week; after that the workspace moves to the Free plan.

Refunds: you can get a full refund within 14 days of your first payment. Renewals are not refunded, but you can cancel at any time to stop the next one.`,
    },
    {
      title: SYNC,
      text: `Notes you open on a device are kept on it, so you can read and edit them without a connection. Changes made offline upload automatically when the device reconnects.

If the same note was edited on two devices while offline, Cloudnote keeps both versions and marks the note as a conflict so you can merge them. Sync usually completes within seconds; large attachments may take longer on slow connections.`,
    },
    {
      title: SHARING,
      text: `Share a note or notebook by clicking Share and entering an email address. Choose whether the person can view, comment or edit. People without a Cloudnote account can view shared notes through a public link, which you can turn off at any time.

Several people can edit a note at the same time; you see their cursors live. Comments mention a teammate with @ and notify them by email.`,
    },
    {
      title: SECURITY,
      text: `Notes are encrypted in transit and at rest. To protect your account, turn on two-factor authentication under Settings › Security and scan the QR code with an authenticator app.

Save the backup codes shown when you enable it: each code works once if you lose your phone. If you lose both your phone and your backup codes, contact support with proof of identity; recovery takes up to 5 business days.`,
    },
    {
      title: EXPORT,
      text: `You can export any notebook as Markdown or PDF, or everything at once as a ZIP archive, from Settings › Data. Attachments are included in the archive.

Deleting your account removes your notes permanently after a 30-day grace period, during which you can restore it by signing in. Shared notebooks you own are transferred to another editor if there is one.`,
    },
    {
      title: INTEGRATIONS,
      text: `Cloudnote connects to Google Calendar, Slack and Zapier. With the Slack integration you can save a message to a notebook with the /note command. The calendar integration creates a meeting note for each event automatically.

Integrations are set up under Settings › Integrations by a workspace admin. A public API for developers is available on the Teams plan.`,
    },
    {
      title: MOBILE,
      text: `The Cloudnote app is available for iPhone and iPad (iOS 16 or later) and for Android 10 or later. Sign in with the same account to see your notes on every device.

The mobile apps can scan paper documents into a note and make their text searchable. Widgets on the home screen show your recent notes.`,
    },
  ],
  questions: [
    { question: "How much is the Plus subscription per month?", answer: PLANS },
    { question: "Is there a discount for annual billing?", answer: PLANS },
    { question: "What happens to my notebooks if I move down to the free tier?", answer: PLANS },
    { question: "Where can I get a receipt for my payment?", answer: BILLING },
    { question: "My card payment failed, what now?", answer: BILLING },
    { question: "Can I get my money back if I cancel within two weeks?", answer: BILLING },
    { question: "Can I edit notes on a plane without internet?", answer: SYNC },
    { question: "Two devices edited the same note, which version wins?", answer: SYNC },
    { question: "How do I let a colleague edit my notebook?", answer: SHARING },
    { question: "Can someone without an account see a note I shared?", answer: SHARING },
    { question: "How do I enable 2FA?", answer: SECURITY },
    { question: "I lost my phone and can't log in with my authenticator", answer: SECURITY },
    { question: "Can I download all my notes as Markdown?", answer: EXPORT },
    { question: "If I delete my account can I undo it?", answer: EXPORT },
    { question: "Does Cloudnote work with Slack?", answer: INTEGRATIONS },
    { question: "Is there an API?", answer: INTEGRATIONS },
    { question: "Is there an Android app?", answer: MOBILE },
    { question: "Can I scan a paper document with my phone?", answer: MOBILE },
    // Unanswerable, sharing words with the articles.
    { question: "Is there a Windows desktop app?", answer: null },
    { question: "Do you offer a discount for students or nonprofits?", answer: null },
    { question: "Can I pay by bank transfer?", answer: null },
    { question: "Does Cloudnote integrate with Microsoft Teams?", answer: null },
    { question: "Where are your servers located?", answer: null },
    { question: "Can I share a note with a password?", answer: null },
    { question: "Is there a limit on the number of members in a workspace?", answer: null },
    { question: "Can I import notes from Evernote?", answer: null },
    { question: "Does Cloudnote support handwriting with an Apple Pencil?", answer: null },
    { question: "Can I recover a note I deleted by mistake last week?", answer: null },
    { question: "Is Cloudnote HIPAA compliant?", answer: null },
    { question: "Can I change the font of my notes?", answer: null },
  ],
};
