import { checkRecordedResponses } from './api-contract';

// Every e2e test fails if the service sent it an answer that its OpenAPI document does not describe.
afterEach(() => checkRecordedResponses());
