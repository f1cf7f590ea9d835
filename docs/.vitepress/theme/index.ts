// The default theme, plus a little CSS for the generated reference tables.
import DefaultTheme from 'vitepress/theme';
import './custom.css';

export default DefaultTheme;
