import { framedHtmlPart } from './dev-mailbox.pages';

describe(framedHtmlPart.name, () => {
  it('should put the base right after <head>, keeping the doctype first', () => {
    expect(
      framedHtmlPart('<!DOCTYPE html>\n<html lang="en">\n<head lang="en">\n<title>t</title>'),
    ).toBe(
      '<!DOCTYPE html>\n<html lang="en">\n<head lang="en"><base target="_blank">\n<title>t</title>',
    );
  });

  it('should not mistake <header> for <head>', () => {
    expect(framedHtmlPart('<!doctype html><header>x</header>')).toBe(
      '<!doctype html><base target="_blank"><header>x</header>',
    );
  });

  it('should put the base first in a fragment', () => {
    expect(framedHtmlPart('<p>hello</p>')).toBe('<base target="_blank"><p>hello</p>');
  });
});
