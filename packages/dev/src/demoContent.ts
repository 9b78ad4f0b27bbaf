/** The demo organization's content: what a new user sees on first start. */

export const DEMO_ORGANIZATION = "Acme Outdoor";

export const DEMO_USERS = {
  admin: { name: "Ada Admin", email: "ada@acme-outdoor.test" },
  operator: { name: "Oscar Operator", email: "oscar@acme-outdoor.test" },
} as const;

export const DEMO_WIDGET = {
  agentName: "Ava",
  greeting: "Hi! I'm Ava from Acme Outdoor. Ask me about orders, shipping, returns or our gear.",
  suggestions: [
    "How long does shipping take?",
    "What is your return policy?",
    "Which tent fits two people?",
  ],
  primaryColor: "#0f766e",
};

export const DEMO_ARTICLES = [
  {
    title: "Shipping and delivery",
    url: "https://acme-outdoor.test/help/shipping",
    text: [
      "Orders placed before 2 pm (Central European Time) ship the same business day from our warehouse in Lyon.",
      "Standard delivery within the EU takes 2 to 4 business days and is free above 60 euros. Express delivery takes 1 business day and costs 12 euros.",
      "International deliveries outside the EU take 7 to 10 business days. Customs duties and import taxes are paid by the recipient.",
      "Every order gets a tracking link by email as soon as it leaves the warehouse.",
    ].join("\n\n"),
  },
  {
    title: "Returns and refunds",
    url: "https://acme-outdoor.test/help/returns",
    text: [
      "You can return any unused item within 30 days of delivery for a full refund. Print the prepaid return label from your account page and drop the parcel at any post office.",
      "Refunds are issued to the original payment method within 5 business days after the return reaches our warehouse.",
      "Used gear can be returned within 100 days if it is defective; see our warranty.",
    ].join("\n\n"),
  },
  {
    title: "Warranty",
    url: "https://acme-outdoor.test/help/warranty",
    text: [
      "All Acme tents and backpacks carry a 5-year warranty against manufacturing defects: broken zips, seam failures and pole breakage under normal use.",
      "To make a claim, contact support with your order number and a photo of the defect. We repair or replace the item free of charge.",
    ].join("\n\n"),
  },
  {
    title: "Ridge tent sizes",
    url: "https://acme-outdoor.test/tents/ridge",
    text: [
      "The Ridge 2P tent sleeps two people, weighs 1.9 kg and packs to 45 by 15 cm. Its floor measures 215 by 130 cm.",
      "The Ridge 3P sleeps three, weighs 2.4 kg and has a 215 by 180 cm floor. Both are three-season tents with two doors and two vestibules.",
    ].join("\n\n"),
  },
];
