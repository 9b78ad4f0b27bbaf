/**
 * Second held-out help center: a gym chain. Written in full before any
 * change to the relevance model or the local responder on this branch, and
 * never used to calibrate them: it only checks that a change to the method
 * generalises beyond the development help center and the first held-out one.
 * Answerable questions avoid the articles' wording where a visitor would;
 * unanswerable ones share words ("membership", "class", "app", "card") with
 * the articles but ask about something no article covers.
 */
import type { HelpCenter } from "./types";

const MEMBERSHIP = "Membership options and prices";
const FREEZE = "Freezing or cancelling your membership";
const CLASSES = "Booking group classes";
const GUESTS = "Bringing a guest";
const ACCESS = "Opening hours and club access";
const TRAINING = "Personal training";
const PAYMENTS = "Payments and direct debit";
const LOCKERS = "Lockers, towels and lost property";
const APP = "The Pulse app";

export const heldOutGym: HelpCenter = {
  name: "Pulse Fitness (held out 2)",
  articles: [
    {
      title: MEMBERSHIP,
      text: `Pulse Fitness offers three memberships. Flex costs £24.99 a month with no minimum term and gives access to your home club. Standard costs £29.99 a month on a 12-month contract and includes every club in your region. Premium costs £44.99 a month and includes all clubs nationwide, unlimited classes and two guest passes a month.

There is a one-off joining fee of £15, waived during promotions. Students with a valid student card get 20% off Flex and Standard.`,
    },
    {
      title: FREEZE,
      text: `You can pause your membership for between one and three months, once per year, for £5 a month. A freeze must be requested at least 7 days before your next payment date, in the app or at reception.

Flex members can cancel at any time with one month's notice. Standard members can cancel after the 12-month term ends; cancelling earlier costs the remaining months. Medical cancellations with a doctor's note are accepted at any time without a fee.`,
    },
    {
      title: CLASSES,
      text: `Classes open for booking 7 days in advance at 7am in the Pulse app. Each member can hold up to 5 future bookings at once.

If a class is full, join the waiting list: you are booked automatically when a place frees up and receive a notification. Cancel at least 2 hours before the start; late cancellations and no-shows block new bookings for 48 hours.`,
    },
    {
      title: GUESTS,
      text: `Premium members get two guest passes each month, which do not roll over. Other members can buy a day pass for a friend at reception for £10.

Guests must be 16 or older, bring photo ID, and be with the member for the whole visit. The same guest can visit at most 4 times a year.`,
    },
    {
      title: ACCESS,
      text: `Most clubs are open 24 hours a day, 7 days a week. Staffed hours are 9am to 9pm on weekdays and 9am to 5pm at weekends; outside them, enter with the QR code in the app.

Clubs close on Christmas Day. Members aged 16 and 17 may only train during staffed hours.`,
    },
    {
      title: TRAINING,
      text: `Our personal trainers offer a free 30-minute induction for new members, covering equipment and a first workout plan.

Sessions with a personal trainer cost £35 for an hour, or £300 for a block of ten. Book through the trainer's profile in the app. Unused sessions in a block expire after six months.`,
    },
    {
      title: PAYMENTS,
      text: `Monthly fees are collected by direct debit on the same day each month as your joining date. To change your bank details, update them in the app under Account › Payment at least 5 days before the next collection.

If a payment fails we try again after 5 days and charge a £5 late fee. After two failed payments your access is suspended until the balance is paid.`,
    },
    {
      title: LOCKERS,
      text: `Day lockers are free and use a 4-digit code of your choice; anything left overnight is removed. Towels can be hired at reception for £1, and Premium members get them free.

Lost property is kept for 14 days at the club where it was found. Valuables are handed to the club manager.`,
    },
    {
      title: APP,
      text: `The Pulse app is available for iPhone and Android. Use it to open the door with your QR code, book classes, see how busy your club is, and track your visits.

If the app will not log you in, reset your password from the sign-in screen. The app needs iOS 15 or Android 9 or later.`,
    },
  ],
  questions: [
    { question: "How much does the cheapest plan cost?", answer: MEMBERSHIP },
    { question: "Is there a sign-up fee?", answer: MEMBERSHIP },
    { question: "Do you have student discounts?", answer: MEMBERSHIP },
    { question: "Can I use clubs in other cities with my plan?", answer: MEMBERSHIP },
    {
      question: "I'm going travelling for two months, can I put my membership on hold?",
      answer: FREEZE,
    },
    { question: "How do I quit my contract?", answer: FREEZE },
    { question: "Can I cancel early if I get injured?", answer: FREEZE },
    { question: "When can I reserve a spot in a spin class?", answer: CLASSES },
    { question: "The yoga session is fully booked, what can I do?", answer: CLASSES },
    { question: "What happens if I don't show up to a class I booked?", answer: CLASSES },
    { question: "Can my friend come and work out with me?", answer: GUESTS },
    { question: "How old does a guest need to be?", answer: GUESTS },
    { question: "Do unused guest passes carry over to next month?", answer: GUESTS },
    { question: "Can I train at 3am?", answer: ACCESS },
    { question: "Are you open at Christmas?", answer: ACCESS },
    { question: "My son is 16, can he go to the gym alone at night?", answer: ACCESS },
    { question: "Do new members get a free session with a trainer?", answer: TRAINING },
    { question: "What's the price of a PT session?", answer: TRAINING },
    { question: "Do my prepaid training sessions expire?", answer: TRAINING },
    { question: "I changed banks, how do I update my details?", answer: PAYMENTS },
    { question: "My direct debit bounced, will I be charged extra?", answer: PAYMENTS },
    { question: "What day of the month is my fee taken?", answer: PAYMENTS },
    { question: "Do I need to bring my own padlock?", answer: LOCKERS },
    { question: "Can I rent a towel?", answer: LOCKERS },
    {
      question: "I left my headphones in the changing room, how long do you keep lost items?",
      answer: LOCKERS,
    },
    { question: "Can I see how crowded the gym is before I go?", answer: APP },
    { question: "I forgot my app password", answer: APP },
    { question: "Does the app work on an old iPhone with iOS 14?", answer: APP },
    // Unanswerable, sharing words with the articles.
    { question: "Do you offer a corporate membership for my company?", answer: null },
    { question: "Is there a swimming pool at the clubs?", answer: null },
    { question: "Can I pay for my membership with Apple Pay?", answer: null },
    { question: "Do you run classes for children?", answer: null },
    { question: "Can I bring my dog to the club?", answer: null },
    { question: "Is there parking at the club?", answer: null },
    { question: "Do you sell protein shakes at reception?", answer: null },
    { question: "Can I transfer my membership to a friend?", answer: null },
    { question: "Does the app connect to my Apple Watch?", answer: null },
    { question: "Are there showers and a sauna?", answer: null },
    { question: "Can I become a personal trainer at Pulse?", answer: null },
    { question: "Is there a women-only area in the gym?", answer: null },
    { question: "Do you offer physiotherapy or sports massage?", answer: null },
    { question: "Can I book a class for a guest?", answer: null },
  ],
};
