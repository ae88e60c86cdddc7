// A few word problems written for Arbor, each with its exact answer: for demos and tests, never for a model backend.
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { TASK_NAME } from './problem.js';

export interface SampleProblem {
  id: string;
  question: string;
  /** The exact final answer, checked by hand; MATH-style ones are spelled in LaTeX as a reference would be. */
  reference: string;
}

export const SAMPLE_PROBLEMS: readonly SampleProblem[] = Object.freeze([
  {
    id: 'gsm-bakery',
    question:
      'A bakery bakes 24 muffins every morning. It sells 3/4 of them before noon and half of the remaining muffins in the afternoon. How many muffins are left at closing time?',
    reference: '3',
  },
  {
    id: 'gsm-bus-fare',
    question:
      'A bus ride costs $2.50. Maya takes the bus to school and back home on each of the 5 school days of a week. How many dollars does she spend on bus rides in that week?',
    reference: '25',
  },
  {
    id: 'gsm-tomatoes',
    question: 'Omar plants 7 rows of tomato plants with 12 plants in each row. Rabbits eat 9 of the plants. How many tomato plants are left?',
    reference: '75',
  },
  {
    id: 'gsm-reading',
    question:
      'Lena wants to read a 360-page book in 12 days, reading the same number of pages every day. She keeps to this plan for the first 5 days. How many pages does she still have to read after those 5 days?',
    reference: '210',
  },
  {
    id: 'gsm-savings',
    question: 'Theo has $40 and saves $15 more at the end of every week. After how many weeks will he have exactly $190?',
    reference: '10',
  },
  {
    id: 'gsm-marbles',
    question: 'Priya has 3 times as many marbles as Sam. Together they have 64 marbles. How many marbles does Priya have?',
    reference: '48',
  },
  {
    id: 'gsm-train',
    question: 'A train travels at a steady 80 kilometres per hour. How many kilometres does it cover between 9:15 a.m. and 11:45 a.m. of the same day?',
    reference: '200',
  },
  {
    id: 'gsm-pizza',
    question:
      'Ten friends share 5 pizzas, each cut into 8 slices. Everyone eats the same number of slices and no slice is left over. How many slices does each friend eat?',
    reference: '4',
  },
  {
    id: 'gsm-jacket',
    question:
      'A jacket is priced at $80. During a sale it is 25% off, and then a 10% sales tax is added to the sale price. How many dollars does the jacket cost in the end?',
    reference: '66',
  },
  {
    id: 'gsm-tank',
    question:
      'A full tank holds 1,200 litres of water. A pump drains 45 litres per minute while a hose refills it at 15 litres per minute, both running at the same time. How many minutes does it take for the full tank to become empty?',
    reference: '40',
  },
  {
    id: 'gsm-eggs',
    question:
      'A farm collects 1,250 eggs every day. Each day it packs as many full cartons of 12 eggs as it can and sells the leftover eggs loose. How many full cartons does it pack in one week?',
    reference: '728',
  },
  {
    id: 'gsm-printer',
    question: 'A printer prints 48 pages per minute. How many pages does it print in half an hour?',
    reference: '1440',
  },
  {
    id: 'gsm-ages',
    question: 'Nadia is 4 years older than her brother. In 6 years, the sum of their ages will be 40. How old is Nadia now?',
    reference: '16',
  },
  {
    id: 'gsm-test-average',
    question:
      'Jon scored 72, 85 and 90 on his first three tests. What score does he need on the fourth test so that the average of all four scores is exactly 84?',
    reference: '89',
  },
  {
    id: 'math-fraction-sum',
    question: 'Compute $\\frac{1}{3} + \\frac{1}{6}$. Express your answer as a common fraction.',
    reference: '\\frac{1}{2}',
  },
  {
    id: 'math-linear-equation',
    question: 'Solve for $x$: $4x + 3 = 2x + 8$. Express your answer as a common fraction.',
    reference: '\\frac{5}{2}',
  },
  {
    id: 'math-dice',
    question: 'Two fair six-sided dice are rolled. What is the probability that the two numbers shown add up to 7? Express your answer as a common fraction.',
    reference: '\\frac{1}{6}',
  },
  {
    id: 'math-decimal-fraction',
    question: 'Write $0.375$ as a common fraction in lowest terms.',
    reference: '\\frac{3}{8}',
  },
  {
    id: 'math-radical',
    question: 'What is the positive number $x$ such that $x^2 = 50$? Express your answer in simplest radical form.',
    reference: '5\\sqrt{2}',
  },
  {
    id: 'math-intersection',
    question: 'At which point do the lines $y = 2x + 1$ and $y = -x + 7$ intersect? Give your answer as an ordered pair $(x, y)$.',
    reference: '(2, 5)',
  },
].map((sample) => Object.freeze(sample)));

const BY_ID: ReadonlyMap<string, SampleProblem> = new Map(SAMPLE_PROBLEMS.map((sample) => [sample.id, sample]));

/** The sample as a wire problem (task 'math', its id, question and reference); throws for an unknown id. */
export function sampleProblem(id: string): { task: string; id: string; question: string; params: Record<string, string> } {
  const sample = BY_ID.get(id);
  if (sample === undefined) {
    throw new InvalidArgumentError('id', `unknown sample problem ${nameInMessage(id)}; known: ${[...BY_ID.keys()].join(', ')}`);
  }
  return { task: TASK_NAME, id: sample.id, question: sample.question, params: { reference: sample.reference } };
}
