export { freePort, startStack, type Stack, type StackOptions, type StackPorts } from "./stack";
export { DEMO_ARTICLES, DEMO_ORGANIZATION, DEMO_USERS, DEMO_WIDGET } from "./demoContent";
