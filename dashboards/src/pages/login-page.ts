import { ApiError } from '../api-client.js';
import type { AppContext } from '../app-context.js';
import { h } from '../dom.js';
import type { Page } from '../router.js';

export class LoginPage implements Page {
  readonly title = 'Sign in';

  constructor(private readonly app: AppContext) {}

  mount(container: HTMLElement): void {
    const email = h('input', {
      id: 'login-email',
      type: 'email',
      name: 'email',
      autocomplete: 'username',
      required: true,
      'data-testid': 'login-email',
    });
    const password = h('input', {
      id: 'login-password',
      type: 'password',
      name: 'password',
      autocomplete: 'current-password',
      required: true,
      'data-testid': 'login-password',
    });
    const error = h('p', {
      className: 'form-error',
      role: 'alert',
      'data-testid': 'login-error',
      hidden: true,
    });
    const submit = h(
      'button',
      { type: 'submit', className: 'button button--primary', 'data-testid': 'login-submit' },
      'Sign in',
    );

    const form = h(
      'form',
      { className: 'login-form', novalidate: true, 'aria-labelledby': 'login-heading' },
      h('h1', { id: 'login-heading' }, 'Sign in'),
      h('p', { className: 'muted' }, 'Appliance Care: remote diagnostics for your fleet.'),
      h('label', { for: 'login-email' }, 'Email'),
      email,
      h('label', { for: 'login-password' }, 'Password'),
      password,
      error,
      submit,
    );

    const showError = (message: string): void => {
      error.textContent = message;
      error.hidden = false;
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!email.value.trim() || !password.value) {
        showError('Enter your email and password.');
        return;
      }
      submit.disabled = true;
      error.hidden = true;
      this.app.api
        .login(email.value.trim(), password.value)
        .then(() => this.app.onLogin())
        .catch((reason: unknown) => {
          if (reason instanceof ApiError && (reason.status === 401 || reason.status === 403)) {
            showError('Wrong email or password.');
          } else if (reason instanceof ApiError && reason.status === 400) {
            showError('Enter a valid email address and a password.');
          } else {
            showError('The server cannot be reached. Try again in a moment.');
          }
          password.select();
        })
        .finally(() => {
          submit.disabled = false;
        });
    });

    container.append(h('section', { className: 'login' }, form));
    email.focus();
  }

  unmount(): void {
    // Nothing to release: the page owns no timers or subscriptions.
  }
}
