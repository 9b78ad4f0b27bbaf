/**
 * Development help center: an outdoor-gear shop. The method was calibrated
 * on this one (see heldOut.ts for the one it was not).
 */
import type { HelpCenter } from "./types";

const SHIPPING = "Shipping and delivery";
const RETURNS = "Returns and exchanges";
const REFUNDS = "Refunds";
const WARRANTY = "Warranty and repairs";
const ORDERS = "Changing or cancelling an order";
const PAYMENT = "Payment methods and billing";
const ACCOUNT = "Your account and password";
const TENTS = "Caring for your tent";
const REWARDS = "Trail Points rewards";
const STORES = "Our stores and opening hours";

export const outdoorShop: HelpCenter = {
  name: "Trailhead Outfitters (development)",
  articles: [
    {
      title: SHIPPING,
      text: `## Delivery times

Orders placed before 2 pm on a weekday leave our warehouse the same day. Standard delivery within the country takes 3 to 5 business days; express delivery arrives the next business day.

## Shipping costs

Standard shipping is free on orders over $75; below that it costs $6.95. Express shipping costs $14.95 whatever the order value. Bulky items such as canoes and roof boxes ship by freight, quoted at checkout.

## International shipping

We ship to Canada, the United Kingdom and the European Union. International parcels take 7 to 12 business days. Import duties and taxes are collected by the carrier on delivery and are paid by the recipient.

## Tracking

As soon as your parcel leaves the warehouse we email you a tracking link. Tracking can take up to 24 hours to show the first scan.`,
    },
    {
      title: RETURNS,
      text: `You can return unused items in their original packaging within 60 days of delivery. Start a return from the Orders page of your account and print the prepaid label; the return label costs $5, deducted from your refund, unless the item arrived damaged or we sent the wrong one.

## Exchanges

To swap a size or colour, choose "Exchange" when you start the return. We ship the replacement as soon as the carrier scans your parcel, so you do not wait for it to reach us.

## Items we cannot take back

Used stove fuel canisters, opened food, and personalised or engraved items cannot be returned. Worn climbing shoes can be returned only if they are faulty.`,
    },
    {
      title: REFUNDS,
      text: `Once your return reaches our warehouse we inspect it within 2 business days. Approved refunds go back to the original payment method: card refunds appear within 5 to 10 business days depending on your bank, PayPal refunds within 24 hours.

If you paid with a gift voucher, the amount is returned as store credit. Original shipping charges are refunded only when the return is due to our mistake.`,
    },
    {
      title: WARRANTY,
      text: `Every product we sell is covered for two years against manufacturing defects: broken zips, failed seams, delaminating soles. The warranty does not cover normal wear, accidents or damage from misuse.

## Making a claim

Email a photo of the fault and your order number to support. If we confirm the defect we repair the item free of charge or, if it cannot be repaired, replace it.

## Paid repairs

Our workshop also repairs gear outside warranty: a new zip costs from $25 and re-waterproofing a jacket $30. Repairs usually take three weeks.`,
    },
    {
      title: ORDERS,
      text: `You can change the delivery address or cancel an order for one hour after placing it, from the Orders page. After that, the order is being packed and can no longer be changed.

If the parcel has already shipped, refuse the delivery or send it back as a normal return once it arrives. Cancelled orders are refunded in full within 3 business days.`,
    },
    {
      title: PAYMENT,
      text: `We accept Visa, Mastercard, American Express, PayPal and Apple Pay. You can also split a purchase over $150 into four interest-free instalments with Klarna.

Your card is charged when the order ships, not when you place it. If an order ships in several parcels you may see several charges, one per parcel, adding up to the total.

Invoices with VAT are available as PDF on the Orders page of your account. We do not accept cheques or cash on delivery.`,
    },
    {
      title: ACCOUNT,
      text: `To reset your password, click "Forgot password" on the sign-in page and follow the link we email you; it is valid for 30 minutes. If the email does not arrive, check your spam folder.

You can change your email address and delivery addresses under Account settings. To close your account, contact support: we delete your personal data within 30 days, except invoices we must keep for tax purposes.`,
    },
    {
      title: TENTS,
      text: `## Pitching

Practise pitching a new tent at home first. Stake the corners before inserting the poles, and keep the fly sheet taut so rain runs off.

## Cleaning and drying

Never store a tent wet: dry it fully within 24 hours to prevent mould, which destroys the coating. Clean it with lukewarm water and a sponge; never put it in a washing machine or use detergent.

## Storage

Store the tent loosely in a cool, dry place rather than tightly rolled in its stuff sack, and keep it away from direct sunlight, which weakens the fabric.`,
    },
    {
      title: REWARDS,
      text: `Trail Points is our free loyalty programme. You earn one point per dollar spent, and 100 points are worth a $5 voucher at checkout.

Members also get early access to seasonal sales and a birthday bonus of 200 points. Points expire 18 months after they are earned. Points are not earned on gift voucher purchases or shipping costs.`,
    },
    {
      title: STORES,
      text: `We have stores in Denver, Boulder and Salt Lake City. All stores are open Monday to Saturday from 9 am to 7 pm and Sunday from 10 am to 5 pm.

You can collect online orders in store for free: choose "Click and collect" at checkout and wait for the email saying your order is ready, usually within 2 hours. Orders are kept for 14 days.`,
    },
  ],
  questions: [
    // Answerable, in other words than the articles.
    { question: "How many days until my package gets here?", answer: SHIPPING },
    { question: "Is delivery free if I spend a lot?", answer: SHIPPING },
    {
      question: "Can you deliver to an address in Germany or elsewhere in Europe?",
      answer: SHIPPING,
    },
    { question: "Who pays the customs duties on a parcel sent abroad?", answer: SHIPPING },
    { question: "Where can I track my parcel?", answer: SHIPPING },
    { question: "I want to send back a jacket I never wore, how?", answer: RETURNS },
    { question: "Can I swap my boots for a bigger size?", answer: RETURNS },
    { question: "Do I have to pay for the return label?", answer: RETURNS },
    { question: "Can I return a fuel canister I already used?", answer: RETURNS },
    {
      question: "When will I see the money back on my card after returning something?",
      answer: REFUNDS,
    },
    { question: "I paid with a gift voucher, how am I refunded?", answer: REFUNDS },
    { question: "Do you refund the original shipping charges?", answer: REFUNDS },
    {
      question: "The zip on my backpack broke after six months, is that covered?",
      answer: WARRANTY,
    },
    { question: "How long is the warranty?", answer: WARRANTY },
    {
      question: "Can your workshop fix my old jacket and how much does re-waterproofing cost?",
      answer: WARRANTY,
    },
    {
      question: "I made a mistake in the delivery address, can I still change it?",
      answer: ORDERS,
    },
    { question: "How do I cancel an order I placed ten minutes ago?", answer: ORDERS },
    { question: "Can I pay in instalments?", answer: PAYMENT },
    { question: "Do you take Apple Pay?", answer: PAYMENT },
    { question: "Why was I charged twice for a single order?", answer: PAYMENT },
    { question: "Where do I download a VAT invoice?", answer: PAYMENT },
    { question: "I forgot my password", answer: ACCOUNT },
    { question: "How can I delete my account and personal data?", answer: ACCOUNT },
    { question: "How should I clean a muddy tent?", answer: TENTS },
    { question: "Can I put my tent in the washing machine?", answer: TENTS },
    { question: "How do I earn loyalty points and what are they worth?", answer: REWARDS },
    { question: "Do my Trail Points ever expire?", answer: REWARDS },
    { question: "What time does the Boulder store open on Sundays?", answer: STORES },
    { question: "Can I pick up my online order at a store?", answer: STORES },
    // Unanswerable, sharing words with the articles.
    { question: "Do you sell kayaks and what do they cost?", answer: null },
    { question: "Do you ship to Australia?", answer: null },
    { question: "Can I return an item I bought in a store in Chicago?", answer: null },
    { question: "Do you price match if a competitor's price is lower?", answer: null },
    { question: "Do you offer student discounts?", answer: null },
    { question: "Can I rent a tent for a weekend instead of buying one?", answer: null },
    { question: "Do you sell gift cards?", answer: null },
    { question: "Is there a charge for gift wrapping?", answer: null },
    { question: "Are your down jackets ethically sourced?", answer: null },
    { question: "How do I clean a down sleeping bag?", answer: null },
    { question: "Do you have a store in Seattle?", answer: null },
    { question: "Do you offer guided hiking trips?", answer: null },
    { question: "Can I bring my dog into your stores?", answer: null },
    { question: "How do I wax my skis?", answer: null },
    { question: "Is your mobile app available on Android?", answer: null },
    { question: "Are you hiring at the Denver store?", answer: null },
  ],
};
