/** A help center to evaluate the agent on: its articles and questions with the expected outcome. */
export type HelpCenter = {
  name: string;
  articles: { title: string; text: string }[];
  /** `answer`: the title of the article that answers it; null: no article does, the agent should abstain. */
  questions: { question: string; answer: string | null }[];
};
