import type { Page } from 'playwright-core';

/**
 * Keyboard and screen-reader basics of a console page, checked in the browser on the page as it stands:
 * - every control (input but hidden ones, select, textarea) has a label: `<label for>`, a wrapping
 *   `<label>`, `aria-label` or `aria-labelledby`; every button and link has a name; no id is used twice;
 * - `<html lang>` and a `<title>`; exactly one h1, first, and no heading level skipped;
 * - every `<th>` says what it heads (`scope`);
 * - focus is visible: the first focusable elements reached with Tab draw an outline;
 * - the skip link is the first stop, shows on focus, and Enter on it takes the next Tab into `<main>`.
 * Returns the failures as sentences (empty when the page passes), so a test can show them all at once:
 * `expect(await a11yProblems(page)).toEqual([])`.
 */
export async function a11yProblems(page: Page, options: { tabStops?: number } = {}): Promise<string[]> {
  const problems = await page.evaluate(staticChecks);
  problems.push(...(await focusChecks(page, options.tabStops ?? 4)));
  return problems;
}

/** Runs in the page: what the DOM alone tells. Self-contained (it is serialized into the page). */
function staticChecks(): string[] {
  const problems: string[] = [];
  const describe = (el: Element) => {
    const id = el.id ? `#${el.id}` : '';
    const name = el.getAttribute('name');
    return `<${el.tagName.toLowerCase()}${id}${name ? ` name="${name}"` : ''}>`;
  };

  if (!document.documentElement.lang) problems.push('the <html> element has no lang');
  if (!document.title.trim()) problems.push('the page has no <title>');

  const ids = new Map<string, number>();
  for (const el of Array.from(document.querySelectorAll('[id]'))) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
  for (const [id, count] of ids) if (count > 1) problems.push(`the id "${id}" is used ${count} times`);

  const controls = Array.from(document.querySelectorAll('input:not([type="hidden"]), select, textarea'));
  for (const control of controls) {
    const labelledBy = control.getAttribute('aria-labelledby');
    const labelled =
      (control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent?.trim()) ||
      control.closest('label')?.textContent?.trim() ||
      control.getAttribute('aria-label')?.trim() ||
      labelledBy
        ?.split(/\s+/)
        .map((id: string) => document.getElementById(id)?.textContent?.trim() ?? '')
        .join('');
    const isButton = ['submit', 'button', 'reset'].includes(control.getAttribute('type') ?? '');
    if (!labelled && !(isButton && (control as HTMLInputElement).value.trim())) {
      problems.push(`${describe(control)} has no label`);
    }
  }
  for (const button of Array.from(document.querySelectorAll('button'))) {
    if (!button.textContent?.trim() && !button.getAttribute('aria-label')?.trim()) {
      problems.push(`${describe(button)} has no text`);
    }
  }
  for (const link of Array.from(document.querySelectorAll('a[href]'))) {
    if (!link.textContent?.trim() && !link.getAttribute('aria-label')?.trim()) {
      problems.push(`the link to ${link.getAttribute('href')} has no text`);
    }
  }
  for (const img of Array.from(document.querySelectorAll('img:not([alt])')))
    problems.push(`${describe(img)} has no alt`);
  for (const th of Array.from(document.querySelectorAll('th:not([scope])'))) {
    problems.push(`the table header "${th.textContent?.trim()}" has no scope`);
  }

  const levels = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((h) => ({
    level: Number(h.tagName[1]),
    text: h.textContent?.trim() ?? '',
  }));
  const h1s = levels.filter((h) => h.level === 1).length;
  if (h1s !== 1) problems.push(`the page has ${h1s} h1 headings, not one`);
  if (levels[0] && levels[0].level !== 1) problems.push(`the first heading "${levels[0].text}" is not an h1`);
  for (let i = 1; i < levels.length; i++) {
    const [before, heading] = [levels[i - 1], levels[i]];
    if (before && heading && heading.level > before.level + 1) {
      problems.push(
        `the h${heading.level} "${heading.text}" follows an h${before.level} (a level is skipped)`,
      );
    }
  }
  return problems;
}

/** What the focused element is and whether it draws a focus indicator (outline or box-shadow). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
    const rect = el.getBoundingClientRect();
    return {
      text: `<${el.tagName.toLowerCase()}> "${(el.textContent || el.getAttribute('aria-label') || el.id).trim()}"`,
      visibleIndicator: outline || (style.boxShadow !== 'none' && style.boxShadow !== ''),
      onScreen: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0,
      isSkipLink: el.matches('a[href="#main"]'),
      inMain: el.closest('main') !== null,
    };
  });

/**
 * Moves focus to the first Tab stop, as for a keyboard user arriving on the page: a blurred element would
 * leave Chromium's focus starting point where it was, so a throwaway focusable at the top of <body> is
 * focused, left with Tab, and removed.
 */
async function focusTopOfPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.dataset.a11yStart = '';
    document.body.prepend(start);
    start.focus();
  });
  await page.keyboard.press('Tab');
  await page.evaluate(() => document.querySelector('[data-a11y-start]')?.remove());
}

async function focusChecks(page: Page, tabStops: number): Promise<string[]> {
  const problems: string[] = [];
  await focusTopOfPage(page);
  for (let i = 0; i < tabStops; i++) {
    if (i > 0) await page.keyboard.press('Tab');
    const el = await focused(page);
    if (!el) {
      if (i === 0) problems.push('Tab focuses nothing');
      break;
    }
    if (i === 0 && !el.isSkipLink) problems.push(`the first Tab stop is ${el.text}, not the skip link`);
    if (!el.visibleIndicator) problems.push(`focus on ${el.text} is not visible (no outline)`);
    if (!el.onScreen) problems.push(`focus on ${el.text} is off screen`);
  }

  // The skip link: first stop, Enter, and the next Tab lands inside <main>.
  await focusTopOfPage(page);
  const skip = await focused(page);
  if (skip?.isSkipLink) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const after = await focused(page);
    if (!after?.inMain) {
      problems.push(`after the skip link, Tab goes to ${after?.text ?? 'nothing'}, not into <main>`);
    }
  } else {
    problems.push('the page has no skip link as its first Tab stop');
  }
  return problems;
}
