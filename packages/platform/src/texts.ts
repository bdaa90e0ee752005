// The platform's own fixed sentences (messages.json beside this file): the refusals every service
// shares and the default words of the error classes.
import { catalogue } from './catalogue.ts';
import data from './messages.json' with { type: 'json' };

export const platformTexts = catalogue(data, 'packages/platform/src/messages.json');
