import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@offerstream/platform';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard.page';
import { DASHBOARD_JS } from './dashboard.script';

/**
 * Campaign dashboard for operators: GET /dashboard and its script and style. These carry no data, so they are open;
 * the figures come from the campaigns API, which needs a `reader` key.
 */
@Controller('dashboard')
@Public()
export class DashboardController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  script(): string {
    return DASHBOARD_JS;
  }

  @Get('app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  style(): string {
    return DASHBOARD_CSS;
  }
}
