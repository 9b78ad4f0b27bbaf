/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as crons from "../crons.js";
import type * as http from "../http.js";
import type * as lib_agent_localResponder from "../lib/agent/localResponder.js";
import type * as lib_agent_responders from "../lib/agent/responders.js";
import type * as lib_agent_stream from "../lib/agent/stream.js";
import type * as lib_allowedDomains from "../lib/allowedDomains.js";
import type * as lib_audit from "../lib/audit.js";
import type * as lib_auth from "../lib/auth.js";
import type * as lib_clerkEvents from "../lib/clerkEvents.js";
import type * as lib_conversations from "../lib/conversations.js";
import type * as lib_embeddings from "../lib/embeddings.js";
import type * as lib_env from "../lib/env.js";
import type * as lib_errors from "../lib/errors.js";
import type * as lib_functions from "../lib/functions.js";
import type * as lib_inputLimits from "../lib/inputLimits.js";
import type * as lib_knowledge from "../lib/knowledge.js";
import type * as lib_knowledgeStats from "../lib/knowledgeStats.js";
import type * as lib_messages from "../lib/messages.js";
import type * as lib_notifications from "../lib/notifications.js";
import type * as lib_organizations from "../lib/organizations.js";
import type * as lib_pagination from "../lib/pagination.js";
import type * as lib_plans from "../lib/plans.js";
import type * as lib_rateLimits from "../lib/rateLimits.js";
import type * as lib_relevance from "../lib/relevance.js";
import type * as lib_retrieval from "../lib/retrieval.js";
import type * as lib_secrets from "../lib/secrets.js";
import type * as lib_sessions from "../lib/sessions.js";
import type * as lib_tokens from "../lib/tokens.js";
import type * as lib_typing from "../lib/typing.js";
import type * as lib_usage from "../lib/usage.js";
import type * as lib_validators from "../lib/validators.js";
import type * as lib_vapiApi from "../lib/vapiApi.js";
import type * as lib_voice from "../lib/voice.js";
import type * as lib_widgetDefaults from "../lib/widgetDefaults.js";
import type * as private_billing from "../private/billing.js";
import type * as private_cannedResponses from "../private/cannedResponses.js";
import type * as private_conversations from "../private/conversations.js";
import type * as private_knowledgeBase from "../private/knowledgeBase.js";
import type * as private_knowledgeGaps from "../private/knowledgeGaps.js";
import type * as private_members from "../private/members.js";
import type * as private_messages from "../private/messages.js";
import type * as private_notifications from "../private/notifications.js";
import type * as private_onboarding from "../private/onboarding.js";
import type * as private_organizations from "../private/organizations.js";
import type * as private_suggestions from "../private/suggestions.js";
import type * as private_typing from "../private/typing.js";
import type * as private_vapi from "../private/vapi.js";
import type * as private_widgetSettings from "../private/widgetSettings.js";
import type * as public_contactSessions from "../public/contactSessions.js";
import type * as public_conversations from "../public/conversations.js";
import type * as public_messages from "../public/messages.js";
import type * as public_typing from "../public/typing.js";
import type * as public_voice from "../public/voice.js";
import type * as public_widgetSettings from "../public/widgetSettings.js";
import type * as system_agent from "../system/agent.js";
import type * as system_billing from "../system/billing.js";
import type * as system_clerk from "../system/clerk.js";
import type * as system_clerkWebhooks from "../system/clerkWebhooks.js";
import type * as system_contactSessions from "../system/contactSessions.js";
import type * as system_embeddings from "../system/embeddings.js";
import type * as system_knowledgeBase from "../system/knowledgeBase.js";
import type * as system_knowledgeGaps from "../system/knowledgeGaps.js";
import type * as system_members from "../system/members.js";
import type * as system_messages from "../system/messages.js";
import type * as system_organizations from "../system/organizations.js";
import type * as system_storage from "../system/storage.js";
import type * as system_suggestions from "../system/suggestions.js";
import type * as system_typing from "../system/typing.js";
import type * as system_vapi from "../system/vapi.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  crons: typeof crons;
  http: typeof http;
  "lib/agent/localResponder": typeof lib_agent_localResponder;
  "lib/agent/responders": typeof lib_agent_responders;
  "lib/agent/stream": typeof lib_agent_stream;
  "lib/allowedDomains": typeof lib_allowedDomains;
  "lib/audit": typeof lib_audit;
  "lib/auth": typeof lib_auth;
  "lib/clerkEvents": typeof lib_clerkEvents;
  "lib/conversations": typeof lib_conversations;
  "lib/embeddings": typeof lib_embeddings;
  "lib/env": typeof lib_env;
  "lib/errors": typeof lib_errors;
  "lib/functions": typeof lib_functions;
  "lib/inputLimits": typeof lib_inputLimits;
  "lib/knowledge": typeof lib_knowledge;
  "lib/knowledgeStats": typeof lib_knowledgeStats;
  "lib/messages": typeof lib_messages;
  "lib/notifications": typeof lib_notifications;
  "lib/organizations": typeof lib_organizations;
  "lib/pagination": typeof lib_pagination;
  "lib/plans": typeof lib_plans;
  "lib/rateLimits": typeof lib_rateLimits;
  "lib/relevance": typeof lib_relevance;
  "lib/retrieval": typeof lib_retrieval;
  "lib/secrets": typeof lib_secrets;
  "lib/sessions": typeof lib_sessions;
  "lib/tokens": typeof lib_tokens;
  "lib/typing": typeof lib_typing;
  "lib/usage": typeof lib_usage;
  "lib/validators": typeof lib_validators;
  "lib/vapiApi": typeof lib_vapiApi;
  "lib/voice": typeof lib_voice;
  "lib/widgetDefaults": typeof lib_widgetDefaults;
  "private/billing": typeof private_billing;
  "private/cannedResponses": typeof private_cannedResponses;
  "private/conversations": typeof private_conversations;
  "private/knowledgeBase": typeof private_knowledgeBase;
  "private/knowledgeGaps": typeof private_knowledgeGaps;
  "private/members": typeof private_members;
  "private/messages": typeof private_messages;
  "private/notifications": typeof private_notifications;
  "private/onboarding": typeof private_onboarding;
  "private/organizations": typeof private_organizations;
  "private/suggestions": typeof private_suggestions;
  "private/typing": typeof private_typing;
  "private/vapi": typeof private_vapi;
  "private/widgetSettings": typeof private_widgetSettings;
  "public/contactSessions": typeof public_contactSessions;
  "public/conversations": typeof public_conversations;
  "public/messages": typeof public_messages;
  "public/typing": typeof public_typing;
  "public/voice": typeof public_voice;
  "public/widgetSettings": typeof public_widgetSettings;
  "system/agent": typeof system_agent;
  "system/billing": typeof system_billing;
  "system/clerk": typeof system_clerk;
  "system/clerkWebhooks": typeof system_clerkWebhooks;
  "system/contactSessions": typeof system_contactSessions;
  "system/embeddings": typeof system_embeddings;
  "system/knowledgeBase": typeof system_knowledgeBase;
  "system/knowledgeGaps": typeof system_knowledgeGaps;
  "system/members": typeof system_members;
  "system/messages": typeof system_messages;
  "system/organizations": typeof system_organizations;
  "system/storage": typeof system_storage;
  "system/suggestions": typeof system_suggestions;
  "system/typing": typeof system_typing;
  "system/vapi": typeof system_vapi;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;

export declare const components: {
  rateLimiter: import("@convex-dev/rate-limiter/_generated/component.js").ComponentApi<"rateLimiter">;
};
