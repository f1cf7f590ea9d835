// The default theme, plus a little CSS for the generated reference tables and the home page's
// install line and code sample, shown inside the hero.
import DefaultTheme from 'vitepress/theme';
import { h } from 'vue';
import HomeHeroCode from './HomeHeroCode.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  Layout: () => h(DefaultTheme.Layout, null, { 'home-hero-info-after': () => h(HomeHeroCode) }),
};
