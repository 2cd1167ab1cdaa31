import { getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { phoneIdentity } from '../anonymise/customerIdentity';
import { Random } from './random';

const cache = new Map<string, string>();

/**
 * The index-th demo mobile number of a country, in E.164: the country's example mobile number
 * with its last digits drawn at random, kept only when libphonenumber places it in that very
 * country (so +44 7781 stays Guernsey and +1 876 Jamaica). A pure function of its arguments, so
 * two businesses drawing the same index share a customer.
 */
export function demoPhoneNumber(seed: string, country: string, index: number): string {
  const cacheKey = `${seed}/${country}/${index}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const example = getExampleNumber(country as CountryCode, examples);
  if (!example) throw new Error(`no example mobile number for ${country}`);
  const national = example.nationalNumber;
  const randomDigits = Math.min(6, national.length - 3);
  const rng = new Random(`phone/${cacheKey}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = `+${example.countryCallingCode}${national.slice(0, national.length - randomDigits)}${rng.digits(randomDigits)}`;
    if (phoneIdentity(candidate).region === country) {
      cache.set(cacheKey, candidate);
      return candidate;
    }
  }
  throw new Error(`could not make a valid ${country} mobile number`);
}
